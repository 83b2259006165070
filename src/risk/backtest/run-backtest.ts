import {
  evaluateMethod,
  planBacktest,
  type BacktestData,
  type PlanOptions,
} from './backtest-plan.js'
import { resolveMethods, type MethodConfig } from './method-registry.js'
import type { BacktestMethod } from './methods.js'
import type { Horizon } from './periods.js'
import { summarizeMethod, type MethodMetrics, type PeriodOutcomes } from './summarize.js'

/** Options of `runBacktest`. */
export interface BacktestOptions extends PlanOptions, MethodConfig {
  /**
   * Method names (`default`, `default-no-buckets`, `hot-streets`, `promap-published`,
   * `promap-tuned`) or methods. Default: default, hot-streets, promap-published, and promap-tuned
   * when `promapTuned` is given.
   */
  readonly methods?: ReadonlyArray<string | BacktestMethod>
  /** Method every other one is tested against (paired Wilcoxon); always run. Default `hot-streets`. */
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

/**
 * Rolling-origin back-test (research note §1, §6): each period's forecast is issued at its start from
 * the incidents reported by then and scored on the crimes that occurred in it (by the start
 * of their occurrence window). Pure; deterministic.
 * @throws RangeError for unknown methods, bad dates or an empty network.
 */
export function runBacktest(data: BacktestData, options: BacktestOptions): BacktestResult {
  const baseline = options.baseline ?? 'hot-streets'
  const names = options.methods ?? [
    'default',
    'hot-streets',
    'promap-published',
    ...(options.promapTuned ? ['promap-tuned'] : []),
  ]
  const hasBaseline = names.some((n) => (typeof n === 'string' ? n : n.name) === baseline)
  const methods = resolveMethods(hasBaseline ? names : [...names, baseline], options)
  const plan = planBacktest(data, options)
  const outcomes = new Map<string, PeriodOutcomes>()
  for (const method of methods) outcomes.set(method.name, evaluateMethod(plan, method))
  const baselineOutcomes = outcomes.get(baseline) as PeriodOutcomes
  const result: Record<string, MethodMetrics> = {}
  for (const method of methods) {
    const own = outcomes.get(method.name) as PeriodOutcomes
    result[method.name] = summarizeMethod(own, baselineOutcomes, method.name === baseline)
  }
  const crimes = plan.crimesByPeriod.reduce((sum, list) => sum + list.length, 0)
  return {
    from: options.from,
    to: options.to,
    timeZone: options.timeZone,
    horizon: options.horizon,
    categories: options.categories ? [...options.categories] : undefined,
    coverages: plan.coverages,
    baseline,
    periods: plan.periods.length,
    scoredPeriods: plan.crimesByPeriod.filter((list) => list.length > 0).length,
    crimes,
    segments: data.segments.length,
    networkKm: plan.totalLengthM / 1000,
    methods: result,
  }
}
