import { compareByKnownAt, knownAtMs } from '../availability.js'
import type { ScorerParams } from '../scorer-params.js'
import type { RiskIncident, RiskSegment } from '../types.js'
import { evaluateCoverages, fillOrder, oracleCaptured } from './coverage.js'
import { resolveMethods, type MethodConfig } from './method-registry.js'
import type { BacktestMethod } from './methods.js'
import { periodsBetween, type Horizon, type Period } from './periods.js'
import { summarizeMethod, type MethodMetrics, type PeriodOutcomes } from './summarize.js'

/** What the back-test reads: the scored network and every incident snapped to it. */
export interface BacktestData {
  readonly segments: ReadonlyArray<RiskSegment>
  readonly incidents: ReadonlyArray<RiskIncident>
}

/** Options of `runBacktest`. */
export interface BacktestOptions extends MethodConfig {
  /** First local date scored, `YYYY-MM-DD`. */
  readonly from: string
  /** Last local date scored (inclusive). */
  readonly to: string
  readonly timeZone: string
  readonly horizon: Horizon
  /** Method names (`default`, `hot-streets`, `promap-published`, `promap-tuned`, `default-no-buckets`) or methods. */
  readonly methods?: ReadonlyArray<string | BacktestMethod>
  /** Forecast and score only these categories (e.g. burglary); default every counted category. */
  readonly categories?: ReadonlyArray<string>
  /** Enforcement-driven offences are left out of training and scoring unless true. Default false. */
  readonly includeEnforcement?: boolean
  /** Coverages in percent of network length. Default 1, 5, 10, 20. */
  readonly coverages?: ReadonlyArray<number>
  /** Shift start hours for the `shift` horizon. Default 7, 15, 23. */
  readonly shiftStartHours?: ReadonlyArray<number>
  /** Method every other one is tested against (paired Wilcoxon). Default `hot-streets`. */
  readonly baseline?: string
}

/** Everything `writeBacktestReport` needs. Hit rates and PAI in percent, PEI* as a fraction. */
export interface BacktestResult {
  readonly from: string
  readonly to: string
  readonly timeZone: string
  readonly horizon: Horizon
  readonly categories: ReadonlyArray<string> | undefined
  readonly coverages: ReadonlyArray<number>
  readonly baseline: string
  readonly periods: number
  /** Periods with at least one crime (the ones in the mean of periods and the paired test). */
  readonly scoredPeriods: number
  readonly crimes: number
  readonly segments: number
  readonly networkKm: number
  readonly methods: Readonly<Record<string, MethodMetrics>>
}

export const DEFAULT_COVERAGES: ReadonlyArray<number> = Object.freeze([1, 5, 10, 20])
const CURVE_PERCENT = [
  ...Array.from({ length: 60 }, (_, i) => (i + 1) / 2),
  ...Array.from({ length: 14 }, (_, i) => 35 + 5 * i),
]

/**
 * Rolling-origin back-test (research note §1, §6): each period's forecast is issued at its start from
 * the incidents known (reported) before it and scored on the crimes that occurred in it (by the start
 * of their occurrence window). Pure; deterministic.
 * @throws RangeError for unknown methods, dates or an empty network.
 */
export function runBacktest(data: BacktestData, options: BacktestOptions): BacktestResult {
  const { segments } = data
  if (segments.length === 0)
    throw new RangeError('The back-test needs a network with at least one segment.')
  const coverages = [...(options.coverages ?? DEFAULT_COVERAGES)].sort((a, b) => a - b)
  const baseline = options.baseline ?? 'hot-streets'
  const names = options.methods ?? [
    'default',
    'hot-streets',
    'promap-published',
    ...(options.promapTuned ? ['promap-tuned'] : []),
  ]
  // the baseline always runs: every report shows it next to the others
  const methods = resolveMethods(
    [...names, ...(names.includes(baseline) ? [] : [baseline])],
    options,
  )
  const categories = options.categories ? new Set(options.categories) : undefined
  const known = data.incidents
    .filter((i) => options.includeEnforcement || !i.enforcement)
    .slice()
    .sort(compareByKnownAt)
  const periods = periodsBetween(
    options.from,
    options.to,
    options.timeZone,
    options.horizon,
    options.shiftStartHours,
  )
  const crimesByPeriod = assignToPeriods(known, periods, categories)
  const lengths = Float64Array.from(segments, (s) => s.lengthM)
  const totalLengthM = lengths.reduce((a, b) => a + b, 0)
  const curve = [...new Set([...CURVE_PERCENT, ...coverages])].sort((a, b) => a - b)
  const context = { segments, timeZone: options.timeZone, categories }
  const outcomes = new Map<string, PeriodOutcomes>()
  for (const method of methods) {
    outcomes.set(
      method.name,
      runMethod(
        method,
        context,
        known,
        periods,
        crimesByPeriod,
        lengths,
        totalLengthM,
        coverages,
        curve,
      ),
    )
  }
  const baselineOutcomes = outcomes.get(baseline) as PeriodOutcomes
  const result: Record<string, MethodMetrics> = {}
  for (const method of methods) {
    result[method.name] = summarizeMethod(
      outcomes.get(method.name) as PeriodOutcomes,
      baselineOutcomes,
      method.name === baseline,
    )
  }
  const crimes = crimesByPeriod.reduce((sum, list) => sum + list.length, 0)
  return {
    from: options.from,
    to: options.to,
    timeZone: options.timeZone,
    horizon: options.horizon,
    categories: options.categories ? [...options.categories] : undefined,
    coverages,
    baseline,
    periods: periods.length,
    scoredPeriods: crimesByPeriod.filter((list) => list.length > 0).length,
    crimes,
    segments: segments.length,
    networkKm: totalLengthM / 1000,
    methods: result,
  }
}

function assignToPeriods(
  incidents: ReadonlyArray<RiskIncident>,
  periods: ReadonlyArray<Period>,
  categories: ReadonlySet<string> | undefined,
): RiskIncident[][] {
  const byPeriod: RiskIncident[][] = periods.map(() => [])
  const starts = periods.map((p) => p.startMs)
  for (const incident of incidents) {
    if (categories && !categories.has(incident.category)) continue
    const t = incident.occurredFromMs
    let lo = 0
    let hi = starts.length - 1
    if (hi < 0 || t < starts[0]) continue
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= t) lo = mid
      else hi = mid - 1
    }
    if (t < periods[lo].endMs) byPeriod[lo].push(incident)
  }
  return byPeriod
}

function runMethod(
  method: BacktestMethod,
  context: Parameters<BacktestMethod['create']>[0],
  known: ReadonlyArray<RiskIncident>,
  periods: ReadonlyArray<Period>,
  crimesByPeriod: ReadonlyArray<ReadonlyArray<RiskIncident>>,
  lengths: Float64Array,
  totalLengthM: number,
  coverages: ReadonlyArray<number>,
  curve: ReadonlyArray<number>,
): PeriodOutcomes {
  const forecaster = method.create(context)
  const observed = new Float64Array(lengths.length)
  const curveFractions = curve.map((c) => c / 100)
  const reportIndex = coverages.map((c) => curve.indexOf(c))
  const outcomes: PeriodOutcomes = {
    crimes: [],
    captured: [],
    coveredM: [],
    oracle: [],
    curveCaptured: new Float64Array(curve.length),
    curve,
    coverages,
    totalLengthM,
  }
  let cursor = 0
  periods.forEach((period, p) => {
    const start = cursor
    while (cursor < known.length && knownAtMs(known[cursor]) < period.startMs) cursor++
    if (cursor > start) forecaster.observe(known.slice(start, cursor))
    const scores = forecaster.forecast(period)
    const crimes = crimesByPeriod[p]
    const hit: number[] = []
    for (const crime of crimes) {
      if (observed[crime.segmentIndex] === 0) hit.push(crime.segmentIndex)
      observed[crime.segmentIndex]++
    }
    const order = fillOrder(scores, observed, lengths)
    const { captured, coveredM } = evaluateCoverages(
      order,
      observed,
      lengths,
      totalLengthM,
      curveFractions,
    )
    for (let c = 0; c < curve.length; c++) outcomes.curveCaptured[c] += captured[c]
    outcomes.crimes.push(crimes.length)
    outcomes.captured.push(reportIndex.map((k) => captured[k]))
    outcomes.coveredM.push(reportIndex.map((k) => coveredM[k]))
    outcomes.oracle.push(
      reportIndex.map((k) => oracleCaptured(hit, observed, lengths, coveredM[k])),
    )
    for (const u of hit) observed[u] = 0
  })
  return outcomes
}
