import type { BacktestResult } from './run-backtest.js'

const WIDTH = 640
const HEIGHT = 420
const MARGIN = { left: 56, right: 170, top: 24, bottom: 48 }
const COLOURS = ['#1b6ca8', '#d1495b', '#2e8b57', '#edae49', '#6a4c93', '#00798c', '#8d6e63']

/**
 * Hit rate (pooled, %) against coverage (% of network length) for every method, as a standalone SVG.
 * The dashed diagonal is a forecast no better than chance.
 */
export function renderHitRateSvg(result: BacktestResult): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  const x = (c: number) => MARGIN.left + (c / 100) * plotW
  const y = (h: number) => MARGIN.top + plotH - (h / 100) * plotH
  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
  )
  for (let t = 0; t <= 100; t += 20) {
    parts.push(
      `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(100)}" stroke="#eee"/>`,
      `<line x1="${x(0)}" y1="${y(t)}" x2="${x(100)}" y2="${y(t)}" stroke="#eee"/>`,
      `<text x="${x(t)}" y="${y(0) + 16}" text-anchor="middle">${t}</text>`,
      `<text x="${x(0) - 8}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
    )
  }
  parts.push(
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(100)}" y2="${y(100)}" stroke="#999" stroke-dasharray="4 4"/>`,
    `<rect x="${x(0)}" y="${y(100)}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${x(50)}" y="${HEIGHT - 10}" text-anchor="middle">coverage, % of network length</text>`,
    `<text transform="translate(16 ${y(50)}) rotate(-90)" text-anchor="middle">hit rate, % of crimes</text>`,
  )
  Object.entries(result.methods).forEach(([name, metrics], k) => {
    const colour = COLOURS[k % COLOURS.length]
    const { coveragePercent, hitRate } = metrics.curve
    const points = [
      `${x(0)},${y(0)}`,
      ...coveragePercent.map((c, i) => `${x(c).toFixed(1)},${y(hitRate[i]).toFixed(1)}`),
    ]
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`,
    )
    const legendY = MARGIN.top + 14 + 20 * k
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 12}" y1="${legendY - 4}" x2="${WIDTH - MARGIN.right + 36}" y2="${legendY - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 42}" y="${legendY}">${escapeXml(name)}</text>`,
    )
  })
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[ch] as string,
  )
}
