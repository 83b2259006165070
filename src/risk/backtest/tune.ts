import { NO_BUCKETS, type BucketScheme } from '../buckets.js'
import { resolveScorerParams, type ScorerParams } from '../scorer-params.js'
import {
  evaluateMethod,
  planBacktest,
  type BacktestData,
  type PlanOptions,
} from './backtest-plan.js'
import {
  HOT_STREETS_TAU_DAYS,
  hotStreetsMethod,
  promapMethod,
  scorerMethod,
  type BacktestMethod,
} from './methods.js'
import type { PeriodOutcomes } from './summarize.js'

/** One tunable scorer parameter and the values tried, or `borrow:<category>` for one β. */
export type TuneAxis =
  | {
      readonly key:
        | 'longTauDays'
        | 'nearRepeatWeight'
        | 'nearRepeatTauDays'
        | 'nearRepeatMaxRatio'
        | 'profileStrength'
        | 'borrowDefault'
      readonly values: ReadonlyArray<number>
    }
  | { readonly key: `borrow:${string}`; readonly values: ReadonlyArray<number> }
  | { readonly key: 'buckets'; readonly values: ReadonlyArray<BucketScheme> }

/** Options of `tuneScorer`: the validation window and the search. */
export interface TuneOptions extends PlanOptions {
  /** Starting parameters (the service's current configuration). */
  readonly base?: Partial<ScorerParams>
  /** Axes searched one at a time, in order; default `DEFAULT_TUNE_AXES`. */
  readonly axes?: ReadonlyArray<TuneAxis>
  /** Passes over all axes. Default 2. */
  readonly sweeps?: number
  /** Coverage (percent) whose mean-of-periods hit rate is maximised. Default 5. */
  readonly objective?: number
  /** Coverage breaking ties of the objective. Default 1. */
  readonly tieBreak?: number
  /**
   * Points a configuration may fall below hot streets at a coverage and still count as "not below".
   * Default 0: any shortfall refuses it.
   */
  readonly floorTolerance?: number
}

/** One configuration tried, with its mean-of-periods hit rates (%) per coverage. */
export interface TuneTrial {
  readonly changes: Readonly<Record<string, unknown>>
  readonly hitRate: Readonly<Record<string, number>>
  /** False when below hot streets (less the tolerance) at any coverage: never chosen then. */
  readonly atLeastHotStreets: boolean
}

/** What `tuneScorer` chose, and the log of everything it tried. */
export interface TuneResult {
  /** `refused` when no configuration reached hot streets at every coverage. */
  readonly status: 'tuned' | 'refused'
  /** The chosen parameters; undefined when refused. */
  readonly params: ScorerParams | undefined
  /**
   * What to run when refused: the base with the hot-streets form of the scorer (τ 365 d, no near
   * repeat, no borrowing, no time buckets, every category weighing 1, no resident-reports layer),
   * which ranks all-crime forecasts exactly as hot streets does.
   */
  readonly fallback: ScorerParams
  readonly best: TuneTrial | undefined
  /** Hot streets' mean-of-periods hit rates on the same window (the floor). */
  readonly hotStreets: Readonly<Record<string, number>>
  readonly trials: ReadonlyArray<TuneTrial>
}

/** Search used when no axes are given: decay, near repeat and its cap, profile strength. */
export const DEFAULT_TUNE_AXES: ReadonlyArray<TuneAxis> = Object.freeze([
  { key: 'longTauDays', values: [270, 365, 540] },
  { key: 'nearRepeatWeight', values: [0, 0.1, 0.2, 0.3, 0.5] },
  { key: 'nearRepeatTauDays', values: [14, 21, 42] },
  { key: 'nearRepeatMaxRatio', values: [0.5, 1, 2] },
  { key: 'profileStrength', values: [2, 5, 10, 20, 50] },
])

/**
 * Picks scorer parameters on a validation window by rolling-origin back-test: coordinate search over
 * `axes`, maximising the mean-of-periods hit rate at `objective` % (ties: `tieBreak` %), and refusing
 * every configuration below hot streets at any coverage. Never touch the test window with this.
 * @throws RangeError for bad dates or parameters.
 */
export function tuneScorer(data: BacktestData, options: TuneOptions): TuneResult {
  const plan = planBacktest(data, options)
  const objective = String(options.objective ?? 5)
  const tieBreak = String(options.tieBreak ?? 1)
  const keys = plan.coverages.map(String)
  for (const k of [objective, tieBreak]) {
    if (!keys.includes(k))
      throw new RangeError(`Coverage ${k} % is not among the coverages ${keys.join(', ')}.`)
  }
  const hotStreets = meanHitRates(evaluateMethod(plan, hotStreetsMethod()))
  const trials: TuneTrial[] = []
  const seen = new Map<string, TuneTrial>()
  const evaluate = (changes: Record<string, unknown>): TuneTrial => {
    const key = JSON.stringify(changes)
    const cached = seen.get(key)
    if (cached) return cached
    const params = applyChanges(options.base ?? {}, changes)
    const hitRate = meanHitRates(evaluateMethod(plan, scorerMethod('trial', params)))
    const tolerance = options.floorTolerance ?? 0
    const trial = {
      changes,
      hitRate,
      atLeastHotStreets: keys.every((k) => hitRate[k] >= hotStreets[k] - tolerance),
    }
    seen.set(key, trial)
    trials.push(trial)
    return trial
  }
  const better = (a: TuneTrial, b: TuneTrial | undefined) =>
    !b ||
    (a.atLeastHotStreets && !b.atLeastHotStreets) ||
    (a.atLeastHotStreets === b.atLeastHotStreets &&
      (a.hitRate[objective] > b.hitRate[objective] ||
        (a.hitRate[objective] === b.hitRate[objective] &&
          a.hitRate[tieBreak] > b.hitRate[tieBreak])))
  let current: Record<string, unknown> = {}
  let best = evaluate(current)
  for (let sweep = 0; sweep < (options.sweeps ?? 2); sweep++) {
    for (const axis of options.axes ?? DEFAULT_TUNE_AXES) {
      for (const value of axis.values) {
        const trial = evaluate({ ...current, [axis.key]: value })
        if (better(trial, best)) best = trial
      }
      current = { ...best.changes }
    }
  }
  const accepted = best.atLeastHotStreets
  return {
    status: accepted ? 'tuned' : 'refused',
    params: accepted ? applyChanges(options.base ?? {}, best.changes) : undefined,
    best: accepted ? best : undefined,
    fallback: hotStreetsParams(options.base ?? {}),
    hotStreets,
    trials,
  }
}

/** Options of `tunePromap`: the validation window and the bandwidth grid. */
export interface TunePromapOptions extends PlanOptions {
  readonly bandwidthsM?: ReadonlyArray<number>
  readonly tauDays?: ReadonlyArray<number>
  /** Coverage (percent) whose mean-of-periods hit rate is maximised. Default 5. */
  readonly objective?: number
}

/**
 * Bandwidths of network ProMap tuned for hit rate on a validation window (grid search), for the
 * `promap-tuned` reference method.
 */
export function tunePromap(
  data: BacktestData,
  options: TunePromapOptions,
): {
  bandwidthM: number
  tauDays: number
  trials: Array<{ bandwidthM: number; tauDays: number; hitRate: Record<string, number> }>
} {
  const plan = planBacktest(data, options)
  const objective = String(options.objective ?? 5)
  const trials: Array<{ bandwidthM: number; tauDays: number; hitRate: Record<string, number> }> = []
  let best: (typeof trials)[number] | undefined
  for (const bandwidthM of options.bandwidthsM ?? [100, 150, 200, 300, 500, 920]) {
    for (const tauDays of options.tauDays ?? [30, 60, 120, 240, 365]) {
      const method: BacktestMethod = promapMethod('trial', bandwidthM, tauDays)
      const trial = { bandwidthM, tauDays, hitRate: meanHitRates(evaluateMethod(plan, method)) }
      trials.push(trial)
      if (!best || trial.hitRate[objective] > best.hitRate[objective]) best = trial
    }
  }
  const chosen = best as (typeof trials)[number]
  return { bandwidthM: chosen.bandwidthM, tauDays: chosen.tauDays, trials }
}

/**
 * The base turned into hot streets: a decayed count (τ 365 d) ÷ length, each category weighing 1, with
 * no borrowing, near repeat, bucket profile or reports layer. Keeps `includeEnforcement`.
 */
function hotStreetsParams(base: Partial<ScorerParams>): ScorerParams {
  return resolveScorerParams({
    ...base,
    longTauDays: HOT_STREETS_TAU_DAYS,
    nearRepeatWeight: 0,
    borrowDefault: 0,
    borrowByCategory: {},
    buckets: NO_BUCKETS,
    categoryWeights: {},
    defaultCategoryWeight: 1,
    reports: {},
  })
}

/** `base` resolved over the defaults, then `changes` (`borrow:<category>` sets one β). */
function applyChanges(base: Partial<ScorerParams>, changes: Record<string, unknown>): ScorerParams {
  const resolved = resolveScorerParams(base)
  let borrowByCategory = { ...resolved.borrowByCategory }
  const direct: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(changes)) {
    if (key.startsWith('borrow:'))
      borrowByCategory = { ...borrowByCategory, [key.slice(7)]: value as number }
    else direct[key] = value
  }
  return resolveScorerParams({ ...resolved, ...direct, borrowByCategory })
}

function meanHitRates(outcomes: PeriodOutcomes): Record<string, number> {
  const rates: Record<string, number> = {}
  outcomes.coverages.forEach((coverage, c) => {
    let sum = 0
    let periods = 0
    outcomes.crimes.forEach((n, p) => {
      if (n === 0) return
      sum += (100 * outcomes.captured[p][c]) / n
      periods++
    })
    rates[String(coverage)] = periods > 0 ? sum / periods : 0
  })
  return rates
}
