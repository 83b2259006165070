/**
 * Tunes every final method on the Atlanta validation window (2021-07-01 … 2021-12-31) and writes the
 * chosen parameters to tuned-params.json and the log of everything tried to VALIDATION-LOG.md.
 * The test window is never read here. Run: npx tsx bench/backtest/atlanta-validate.ts
 */
import { writeFile } from 'node:fs/promises'
import {
  NO_BUCKETS,
  resolveScorerParams,
  THREE_SHIFTS,
  runBacktest,
  tunePromap,
  tuneScorer,
  type BacktestOptions,
  type ScorerParams,
  type TuneAxis,
  type TuneResult,
} from '../../src/risk/index.js'
import { ATLANTA_TZ, loadAtlanta } from '../lib/risk-atlanta.js'
import { SPARSE_GROUPS, finalMethod, type TunedParams } from '../lib/risk-final-methods.js'
import { metricsTable, signed } from '../lib/risk-tables.js'

const VALIDATION = { from: '2021-07-01', to: '2021-12-31', timeZone: ATLANTA_TZ }
const OUT = new URL('./', import.meta.url).pathname
const log: string[] = []
const say = (line = '') => {
  log.push(line)
  console.log(line)
}

const data = await loadAtlanta()
const n = data.notes
say('# Risk scorer: validation log (Atlanta, 2021-07-01 … 2021-12-31)')
say()
say(
  `Written by bench/backtest/atlanta-validate.ts on ${new Date().toISOString().slice(0, 10)}; the test window is not read.`,
)
say(
  `Network: ${n.scoredSegments} scored drive segments (${n.scoredKm.toFixed(1)} km; ${n.driveSegments} drive segments`,
)
say(
  `before leaving out motorway/trunk + links). Incidents: ${n.rowsRead} rows read, ${n.accepted} accepted in the`,
)
say(
  `network bbox, ${data.incidents.length} snapped within 60 m after ${n.duplicatesAcrossFiles} cross-file duplicates.`,
)
say()

// 1. ProMap bandwidths for the promap-tuned reference, by hit rate at 5 %
const promap = tunePromap(data, { ...VALIDATION, horizon: 'day' })
say('## ProMap bandwidths (mean daily HR % at 1/5/10/20)')
say()
say('| h_S m | h_T d | HR |\n|---:|---:|---|')
for (const t of promap.trials) {
  say(
    `| ${t.bandwidthM} | ${t.tauDays} | ${['1', '5', '10', '20'].map((k) => t.hitRate[k].toFixed(1)).join(' / ')} |`,
  )
}
say()
say(`Chosen: h_S = ${promap.bandwidthM} m, h_T = ${promap.tauDays} d.`)
say()

// 2. β per sparse group, daily forecasts of that group only, floor = own-type hot streets
const borrowByCategory: Record<string, number> = {}
for (const [group, categories] of Object.entries(SPARSE_GROUPS)) {
  const axes: TuneAxis[] = categories.map((c) => ({
    key: `borrow:${c}`,
    values: [0, 0.25, 0.5, 1, 2, 4],
  }))
  const result = tuneScorer(data, {
    ...VALIDATION,
    horizon: 'day',
    categories,
    base: { buckets: NO_BUCKETS, nearRepeatWeight: 0 },
    axes,
    sweeps: 1,
  })
  logTrials(`β for ${group} (${categories.join(', ')}), daily forecasts of the group`, result)
  Object.assign(borrowByCategory, borrowOf(result, categories))
}

// 3. decay and near repeat on daily all-crime forecasts, strict floor and with 0.5 points of slack
const dailyAxes: TuneAxis[] = [
  { key: 'longTauDays', values: [270, 365, 540, 730] },
  { key: 'nearRepeatWeight', values: [0, 0.1, 0.2, 0.3, 0.5] },
  { key: 'nearRepeatTauDays', values: [14, 21, 42, 90] },
  { key: 'nearRepeatMaxRatio', values: [0.5, 1, 2] },
]
const dailyBase: Partial<ScorerParams> = { buckets: NO_BUCKETS, borrowByCategory }
const strict = tuneScorer(data, { ...VALIDATION, horizon: 'day', base: dailyBase, axes: dailyAxes })
logTrials('Decay and near repeat, daily all-crime forecasts, strict floor', strict)
const slack = tuneScorer(data, {
  ...VALIDATION,
  horizon: 'day',
  base: dailyBase,
  axes: dailyAxes,
  floorTolerance: 0.5,
})
logTrials('Decay and near repeat, daily all-crime forecasts, floor less 0.5 points', slack)

// 4. κ of the three-shift profile, shift horizon
const finals: Record<string, Partial<ScorerParams>> = {}
for (const [name, tuned] of [
  ['default', strict],
  ['default-recency', slack],
] as const) {
  // a refused search falls back to the hot-streets form of the scorer (τ 365 d, no near repeat)
  const fallback = resolveScorerParams({ ...dailyBase, longTauDays: 365, nearRepeatWeight: 0 })
  const base = { ...(tuned.params ?? fallback), buckets: THREE_SHIFTS }
  const kappa = tuneScorer(data, {
    ...VALIDATION,
    horizon: 'shift',
    base,
    axes: [{ key: 'profileStrength', values: [2, 5, 10, 20, 50] }],
    sweeps: 1,
    floorTolerance: name === 'default' ? 0 : 0.5,
  })
  logTrials(`κ of the shift profile for ${name}, shift horizon`, kappa)
  const chosen = kappa.params ?? base
  finals[name] = pickTunable(chosen)
}

const tuned: TunedParams = {
  validation: VALIDATION,
  promapTuned: { bandwidthM: promap.bandwidthM, tauDays: promap.tauDays },
  params: finals,
}
await writeFile(`${OUT}tuned-params.json`, JSON.stringify(tuned, null, 2) + '\n')
say('## Chosen parameters (tuned-params.json)')
say()
say('```json\n' + JSON.stringify(tuned, null, 2) + '\n```')
say()

// 5. the final methods on the validation window
const methods = [
  'default',
  'default-recency',
  'default-no-buckets',
  'hot-streets',
  'promap-published',
  'promap-tuned',
]
const withFinals = (options: Omit<BacktestOptions, 'methods'>, names: string[]) =>
  runBacktest(data, {
    ...options,
    methods: names.map((m) => finalMethod(m, tuned)),
    promapTuned: tuned.promapTuned,
  })
say('## Final methods on the validation window')
say()
say('### Daily, all Part-I')
say()
say(metricsTable(withFinals({ ...VALIDATION, horizon: 'day' }, methods)))
say()
say('### Three shifts (forecast per shift, scored on that shift)')
say()
say(
  metricsTable(
    withFinals({ ...VALIDATION, horizon: 'shift' }, [
      'default',
      'default-no-buckets',
      'default-recency',
      'hot-streets',
    ]),
  ),
)
say()
for (const [group, categories] of Object.entries(SPARSE_GROUPS)) {
  say(`### Weekly, ${group}`)
  say()
  say(
    metricsTable(
      withFinals({ ...VALIDATION, horizon: 'week', categories }, [
        'default',
        'default-recency',
        'hot-streets',
      ]),
    ),
  )
  say()
}
await writeFile(`${OUT}VALIDATION-LOG.md`, log.join('\n') + '\n')

function logTrials(title: string, result: TuneResult): void {
  say(`## ${title}`)
  say()
  say(
    `Hot streets (floor): ${['1', '5', '10', '20'].map((k) => result.hotStreets[k].toFixed(2)).join(' / ')}. Status: ${result.status}.`,
  )
  say()
  say('| changes | mean HR % 1/5/10/20 | Δ vs hot streets | passes floor |\n|---|---|---|---|')
  for (const t of result.trials) {
    const keys = ['1', '5', '10', '20']
    say(
      `| ${JSON.stringify(t.changes).replace(/"/g, '')} | ${keys.map((k) => t.hitRate[k].toFixed(2)).join(' / ')} | ${keys.map((k) => signed(t.hitRate[k] - result.hotStreets[k])).join(' / ')} | ${t.atLeastHotStreets ? 'yes' : 'no'} |`,
    )
  }
  say()
  say(`Chosen: ${result.best ? JSON.stringify(result.best.changes) : 'nothing (refused)'}`)
  say()
}

function borrowOf(result: TuneResult, categories: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of categories) out[c] = result.params?.borrowByCategory[c] ?? 0
  return out
}

function pickTunable(p: ScorerParams): Partial<ScorerParams> {
  const {
    longTauDays,
    nearRepeatWeight,
    nearRepeatTauDays,
    nearRepeatMaxRatio,
    profileStrength,
    borrowByCategory,
  } = p
  return {
    longTauDays,
    nearRepeatWeight,
    nearRepeatTauDays,
    nearRepeatMaxRatio,
    profileStrength,
    borrowByCategory,
    buckets: THREE_SHIFTS,
  }
}
