import type { BacktestResult } from '../../src/risk/index.js'

const KEYS = ['1', '5', '10', '20']

/** Markdown rows: pooled HR / PAI / PEI* and mean-of-periods HR per method, and Wilcoxon p. */
export function metricsTable(
  result: BacktestResult,
  methods = Object.keys(result.methods),
): string {
  const head =
    '| method | HR@1/5/10/20 % (pooled) | HR mean of periods | PAI | PEI* | Δ vs hot streets (points, mean) | Wilcoxon p |\n' +
    '|---|---|---|---|---|---|---|'
  const rows = methods.map((name) => {
    const m = result.methods[name]
    const fmt = (t: Readonly<Record<string, number>>, d: number) =>
      KEYS.map((k) => t[k].toFixed(d)).join(' / ')
    const w = m.wilcoxon
    const delta = w ? KEYS.map((k) => signed(w[k].meanDifference)).join(' / ') : '—'
    const p = w ? KEYS.map((k) => formatP(w[k].p)).join(' / ') : '—'
    return `| ${name} | ${fmt(m.hitRate, 1)} | ${fmt(m.meanOfPeriods.hitRate, 1)} | ${fmt(m.pai, 2)} | ${fmt(m.peiStar, 2)} | ${delta} | ${p} |`
  })
  return [head, ...rows].join('\n')
}

/** One-line summary for logs. */
export function hitRateLine(result: BacktestResult, name: string): string {
  const m = result.methods[name]
  return `${name.padEnd(20)} HR ${KEYS.map((k) => m.hitRate[k].toFixed(1)).join(' / ')}  mean ${KEYS.map((k) => m.meanOfPeriods.hitRate[k].toFixed(1)).join(' / ')}`
}

export function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(2)}`
}

export function formatP(p: number): string {
  return p < 1e-3 ? p.toExponential(0) : p.toFixed(3)
}
