import type { WeeklyReport } from './schedule-report.js'

const esc = (t: string) =>
  t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/**
 * The exposure audit as an SVG bar chart: for the areas with the most patrol, patrol share
 * (dark) beside victim-reported crime share (light); flagged areas' names in red.
 */
export function exposureChartSvg(report: WeeklyReport, top = 15): string {
  const areas = report.exposure.areas.filter((a) => a.patrolMinutes > 0).slice(0, top)
  const max = Math.max(0.01, ...areas.flatMap((a) => [a.patrolShare, a.crimeShare]))
  const row = 26
  const left = 220
  const width = 460
  const height = 60 + areas.length * row
  const bars = areas.map((a, i) => {
    const y = 40 + i * row
    const w1 = (width * a.patrolShare) / max
    const w2 = (width * a.crimeShare) / max
    return [
      `<text x="${left - 8}" y="${y + 14}" text-anchor="end" font-size="12" fill="${a.flagged ? '#b00020' : '#222'}">${esc(a.area)}</text>`,
      `<rect x="${left}" y="${y}" width="${w1.toFixed(1)}" height="10" fill="#1f4e79"/>`,
      `<rect x="${left}" y="${y + 11}" width="${w2.toFixed(1)}" height="10" fill="#9dc3e6"/>`,
      `<text x="${left + Math.max(w1, w2) + 6}" y="${y + 14}" font-size="11" fill="#444">${(100 * a.patrolShare).toFixed(1)} % / ${(100 * a.crimeShare).toFixed(1)} %</text>`,
    ].join('')
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 120}" height="${height}" font-family="sans-serif">`,
    `<text x="10" y="20" font-size="14">Patrol share (dark) vs victim-reported crime share (light), ${esc(report.schedule.network)} ${esc(report.schedule.week)}</text>`,
    ...bars,
    '</svg>',
    '',
  ].join('\n')
}
