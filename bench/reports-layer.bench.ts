/**
 * The resident-reports layer in the back-test, with and without it, on SYNTHETIC reports (no real
 * 311 data exists for our cities): what the harness shows for reports that carry no signal, for
 * reports that carry signal by construction (placed where crimes are about to happen: a leak no real
 * layer has, an upper bound), and for a flood on one street without crime. It proves the gate works;
 * it proves nothing about real reports.
 * Run: npm run bench:reports   (validation window 2021-07-01 … 2021-12-31, daily)
 */
import { mulberry32 } from '../src/routing/index.js'
import {
  runBacktest,
  scoreRisk,
  scorerMethod,
  type ResidentReport,
  type RiskIncident,
} from '../src/risk/index.js'
import { ATLANTA_TZ, loadAtlanta } from './lib/risk-atlanta.js'

const WINDOW = {
  from: '2021-07-01',
  to: '2021-12-31',
  timeZone: ATLANTA_TZ,
  horizon: 'day' as const,
}
const DAY = 86_400_000
const START = Date.parse('2021-01-01T05:00:00Z')
const END = Date.parse('2022-01-01T05:00:00Z')
const LAYER = { weight: 0.05, cap: 0.1 } // expected crimes per day per report, and per segment at most

const data = await loadAtlanta()
const random = mulberry32(311)
const n = data.segments.length

/** Two reports a day on segments drawn uniformly: noise. */
function noise(): ResidentReport[] {
  const out: ResidentReport[] = []
  for (let t = START; t < END; t += DAY) {
    for (let k = 0; k < 2; k++)
      out.push({
        segmentIndex: Math.floor(random() * n),
        reportedAtMs: t + random() * DAY,
        type: 'noise',
      })
  }
  return out
}

/** A report 1–3 days before 30 % of crimes, on their segment: signal by construction (a leak). */
function leak(incidents: readonly RiskIncident[]): ResidentReport[] {
  return incidents
    .filter((i) => i.occurredFromMs >= START && i.occurredFromMs < END && random() < 0.3)
    .map((i) => ({
      segmentIndex: i.segmentIndex,
      reportedAtMs: i.occurredFromMs - (1 + 2 * random()) * DAY,
      type: 'leak',
    }))
}

const crimeFree = data.segments.findIndex(
  (s) => !data.incidents.some((i) => i.segmentIndex === s.index),
)
/** 300 reports a day on one street that has never had a crime: a flood. */
function flood(): ResidentReport[] {
  const out: ResidentReport[] = []
  for (let t = START; t < END; t += DAY)
    for (let k = 0; k < 300; k++)
      out.push({ segmentIndex: crimeFree, reportedAtMs: t + k * 1000, type: 'flood' })
  return out
}

const scenarios: Record<string, ResidentReport[]> = {
  noise: noise(),
  leak: leak(data.incidents),
  flood: flood(),
}
const row = (name: string, hr: Record<string, number>, p?: number) =>
  `| ${name} | ${['1', '5', '10', '20'].map((c) => hr[c]!.toFixed(1)).join(' | ')} | ${p === undefined ? '—' : p.toPrecision(2)} |`

console.log(
  `validation ${WINDOW.from} … ${WINDOW.to}, daily; ${n} segments; SYNTHETIC reports; layer weight ${LAYER.weight}/report/day, cap ${LAYER.cap}`,
)
console.log('| scorer | HR@1 | HR@5 | HR@10 | HR@20 | p vs without (5 %) |')
console.log('|---|---:|---:|---:|---:|---:|')
const without = runBacktest(data, { ...WINDOW, methods: ['default'], baseline: 'default' })
console.log(row('default, no reports layer', without.methods.default!.hitRate))
for (const [name, reports] of Object.entries(scenarios)) {
  // the default scorer with and without the layer in one run: the paired test compares them day by day
  const result = runBacktest(
    { ...data, reports },
    {
      ...WINDOW,
      methods: ['default', scorerMethod('with', { reports: { [name]: LAYER } })],
      baseline: 'default',
    },
  )
  console.log(
    row(
      `default + ${name} reports (${reports.length})`,
      result.methods.with!.hitRate,
      result.methods.with!.wilcoxon?.['5']?.p,
    ),
  )
}

// the flooded street, crime-free, must never rank on reports alone
const ranking = scoreRisk(
  { ...data, reports: scenarios.flood },
  { asOfMs: END, timeZone: ATLANTA_TZ, params: { reports: { flood: LAYER } } },
)
const flooded = ranking.segments.find((s) => s.segmentIndex === crimeFree)!
console.log(
  `flooded crime-free street after 109,500 reports: expected ${flooded.expected}, rank ${flooded.rank} of ${n}`,
)
if (flooded.expected !== 0) {
  console.error('FAIL: reports alone lifted a street')
  process.exit(1)
}
