import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BacktestResult } from './run-backtest.js'
import type { CoverageTable } from './summarize.js'
import { renderHitRateSvg } from './svg-plot.js'

/** File names `writeBacktestReport` writes into its folder. */
export const REPORT_FILES = Object.freeze({
  markdown: 'report.md',
  metrics: 'metrics.json',
  plot: 'hit-rate.svg',
})

/**
 * The `metrics.json` document: per method, pooled hit rate and PAI in percent / ratio, PEI* as a
 * fraction, mean of periods, and the paired Wilcoxon test against the baseline, keyed by coverage.
 */
export function backtestMetricsJson(result: BacktestResult): string {
  const methods = Object.fromEntries(
    Object.entries(result.methods).map(([name, m]) => [
      name,
      {
        hitRate: m.hitRate,
        pai: m.pai,
        peiStar: m.peiStar,
        coveredPercent: m.coveredPercent,
        meanOfPeriods: m.meanOfPeriods,
        ...(m.wilcoxon && { wilcoxon: m.wilcoxon }),
      },
    ]),
  )
  const { from, to, timeZone, horizon, categories, baseline, periods, scoredPeriods, crimes } =
    result
  const document = {
    from,
    to,
    timeZone,
    horizon,
    categories: categories ?? 'all counted',
    baseline,
    periods,
    scoredPeriods,
    crimes,
    segments: result.segments,
    networkKm: round(result.networkKm, 3),
    methods,
  }
  // seven significant digits keep tiny p-values that fixed decimals would round to 0
  return (
    JSON.stringify(document, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(7)) : v), 2) +
    '\n'
  )
}

/** The human report: protocol, pooled and mean-of-period tables, paired tests, the plot. */
export function renderBacktestMarkdown(result: BacktestResult): string {
  const cs = result.coverages
  const names = Object.keys(result.methods)
  const header = (label: string) =>
    `| method | ${cs.map((c) => `${label}@${c} %`).join(' | ')} |\n|---|${cs.map(() => '---:').join('|')}|`
  const rows = (pick: (name: string) => CoverageTable, digits: number) =>
    names
      .map((n) => `| ${n} | ${cs.map((c) => pick(n)[String(c)].toFixed(digits)).join(' | ')} |`)
      .join('\n')
  const lines = [
    `# Back-test ${result.from} … ${result.to} (${result.horizon})`,
    '',
    `Network: ${result.segments} segments, ${result.networkKm.toFixed(1)} km. Crimes scored: ${result.crimes}` +
      ` in ${result.periods} periods (${result.scoredPeriods} with at least one crime). Categories: ` +
      `${result.categories ? result.categories.join(', ') : 'all counted'}. Time zone ${result.timeZone}.`,
    '',
    'Each forecast is issued at the start of its period from the incidents reported by then and scored',
    'on the crimes that occurred in the period. Coverage is filled by network length in forecast order;',
    'the segment that would cross the budget is left out; forecast ties go to the segments with fewer',
    'crimes. PAI = hit rate ÷ covered share (the actual share). PEI* = captured ÷ the most crimes any set',
    'of segments of the same length held (exact). Mean of periods counts periods with crimes only.',
    '',
    '## Hit rate, % (pooled)',
    '',
    header('HR'),
    rows((n) => result.methods[n].hitRate, 1),
    '',
    '## PAI (pooled)',
    '',
    header('PAI'),
    rows((n) => result.methods[n].pai, 2),
    '',
    '## PEI* (pooled)',
    '',
    header('PEI*'),
    rows((n) => result.methods[n].peiStar, 3),
    '',
    '## Hit rate, % (mean of periods)',
    '',
    header('HR'),
    rows((n) => result.methods[n].meanOfPeriods.hitRate, 1),
    '',
    `## Paired Wilcoxon signed-rank test against ${result.baseline} (per-period hit rates)`,
    '',
    `| method | ${cs.map((c) => `Δ@${c} % (p)`).join(' | ')} |\n|---|${cs.map(() => '---:').join('|')}|`,
    ...names
      .filter((n) => result.methods[n].wilcoxon)
      .map((n) => {
        const w = result.methods[n].wilcoxon ?? {}
        return `| ${n} | ${cs.map((c) => `${signed(w[String(c)].meanDifference)} (${formatP(w[String(c)].p)})`).join(' | ')} |`
      }),
    '',
    'Δ = mean per-period hit-rate difference in points (method − baseline).',
    '',
    '## Hit rate against coverage',
    '',
    `![hit rate against coverage](${REPORT_FILES.plot})`,
    '',
  ]
  return lines.join('\n')
}

/**
 * Writes `report.md`, `metrics.json` and `hit-rate.svg` into `dir` (created if missing).
 * @returns the paths written.
 */
export async function writeBacktestReport(result: BacktestResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const files: Array<[string, string]> = [
    [REPORT_FILES.markdown, renderBacktestMarkdown(result)],
    [REPORT_FILES.metrics, backtestMetricsJson(result)],
    [REPORT_FILES.plot, renderHitRateSvg(result)],
  ]
  const paths: string[] = []
  for (const [name, text] of files) {
    const path = join(dir, name)
    await writeFile(path, text, 'utf8')
    paths.push(path)
  }
  return paths
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(2)}`
}

function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4)
}

function round(v: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}
