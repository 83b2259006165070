import { compareByKnownAt, knownAtMs } from '../availability.js'
import type { ResidentReport, RiskIncident, RiskSegment } from '../types.js'
import { evaluateCoverages, fillOrder, oracleCaptured } from './coverage.js'
import type { BacktestMethod, MethodContext } from './methods.js'
import { periodsBetween, type Horizon, type Period } from './periods.js'
import type { PeriodOutcomes } from './summarize.js'

/** What the back-test reads: the scored network and every incident snapped to it. */
export interface BacktestData {
  readonly segments: ReadonlyArray<RiskSegment>
  readonly incidents: ReadonlyArray<RiskIncident>
  /** Resident reports; the default scorer reads them only for types its params weigh. */
  readonly reports?: ReadonlyArray<ResidentReport>
}

/** The window, horizon and scoring rules of a back-test. */
export interface PlanOptions {
  /** First local date scored, `YYYY-MM-DD`. */
  readonly from: string
  /** Last local date scored (inclusive). */
  readonly to: string
  readonly timeZone: string
  readonly horizon: Horizon
  /** Forecast and score only these categories (e.g. burglary); default every category. */
  readonly categories?: ReadonlyArray<string>
  /** Enforcement-driven offences are left out of training and scoring unless true. Default false. */
  readonly includeEnforcement?: boolean
  /** Coverages in percent of network length. Default 1, 5, 10, 20. */
  readonly coverages?: ReadonlyArray<number>
  /** Shift start hours for the `shift` horizon. Default 7, 15, 23. */
  readonly shiftStartHours?: ReadonlyArray<number>
}

/** Everything fixed across methods: periods, the crimes each scores, the incident feed. */
export interface BacktestPlan {
  readonly context: MethodContext
  readonly periods: ReadonlyArray<Period>
  /** Incidents in the order they became known. */
  readonly known: ReadonlyArray<RiskIncident>
  readonly crimesByPeriod: ReadonlyArray<ReadonlyArray<RiskIncident>>
  readonly lengths: Float64Array
  readonly totalLengthM: number
  /** Reported coverages, percent, ascending. */
  readonly coverages: ReadonlyArray<number>
  /** Coverages of the hit-rate curve, percent, ascending (includes `coverages`). */
  readonly curve: ReadonlyArray<number>
}

export const DEFAULT_COVERAGES: ReadonlyArray<number> = Object.freeze([1, 5, 10, 20])
const CURVE_PERCENT = [
  ...Array.from({ length: 60 }, (_, i) => (i + 1) / 2),
  ...Array.from({ length: 14 }, (_, i) => 35 + 5 * i),
]

/**
 * Prepares a back-test: periods, the crimes scored in each (by the start of their occurrence window)
 * and the incidents in the order they became known. Each period's forecast sees only incidents known
 * strictly before the period starts, so no crime is both forecast input and scored outcome.
 * @throws RangeError for bad dates or an empty network.
 */
export function planBacktest(data: BacktestData, options: PlanOptions): BacktestPlan {
  const { segments } = data
  if (segments.length === 0) {
    throw new RangeError('The back-test needs a network with at least one segment.')
  }
  const coverages = [...(options.coverages ?? DEFAULT_COVERAGES)].sort((a, b) => a - b)
  const categories = options.categories ? new Set(options.categories) : undefined
  const known = data.incidents
    .filter((i) => options.includeEnforcement || !i.enforcement)
    .sort(compareByKnownAt)
  const { from, to, timeZone, horizon } = options
  const periods = periodsBetween(from, to, timeZone, horizon, options.shiftStartHours)
  const lengths = Float64Array.from(segments, (s) => s.lengthM)
  return {
    context: { segments, timeZone, categories, reports: data.reports },
    periods,
    known,
    crimesByPeriod: assignToPeriods(known, periods, categories),
    lengths,
    totalLengthM: lengths.reduce((a, b) => a + b, 0),
    coverages,
    curve: [...new Set([...CURVE_PERCENT, ...coverages])].sort((a, b) => a - b),
  }
}

/** Runs one method through every period of the plan. */
export function evaluateMethod(plan: BacktestPlan, method: BacktestMethod): PeriodOutcomes {
  const { known, lengths, totalLengthM, curve, coverages } = plan
  const forecaster = method.create(plan.context)
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
  let deferred: RiskIncident[] = []
  plan.periods.forEach((period, p) => {
    // what was known by the period's first instant, except a crime that began at or after it: that
    // one is this period's to score (reported as it happened, or no report date and a zero-length
    // window). A date-only report of the day before reads as 00:00 of this day and is used.
    const batch = deferred
    deferred = []
    while (cursor < known.length && knownAtMs(known[cursor]) <= period.startMs) {
      const incident = known[cursor++]
      if (incident.occurredFromMs < period.startMs) batch.push(incident)
      else deferred.push(incident)
    }
    if (batch.length > 0) forecaster.observe(batch)
    const scores = forecaster.forecast(period)
    const crimes = plan.crimesByPeriod[p]
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
    if (starts.length === 0 || t < starts[0]) continue
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= t) lo = mid
      else hi = mid - 1
    }
    if (t < periods[lo].endMs) byPeriod[lo].push(incident)
  }
  return byPeriod
}
