/**
 * Segment risk per time bucket (research note risk.md §9), its explanation, and the back-test that
 * proves it.
 *
 * For crime category k, segment u, forecast time t (only incidents reported by t count) and a
 * window w made of time buckets b:
 *   c_k(u)   = Σ_i a_i · e^{−(t − s_i)/τ}, the aoristic mean over each incident's occurrence window
 *   λ_k(u)   = N_k · (c_k(u)/C_k + β_k · c(u)/C + γ · r(u)/R) / (1 + β_k + γ)    crimes per day,
 *              the near-repeat part (γ) capped at `nearRepeatMaxRatio` × the rest
 *   N_k      = C_k / W,  W = τ (1 − e^{−H/τ}) days,  H = t − start of history
 *   E_u(w)   = Σ_k weight_k λ_k(u) · cycleDays · Σ_b f_b(w) · (n_u(b) + κ p(b)) / (n_u + κ)
 * c = all counted categories, r = the same count with the short near-repeat constant, f_b(w) = share of
 * bucket b's nominal length inside w, n_u(b) = decayed crimes of u in bucket b, p(b) = network profile.
 * W is the calibration: under a constant rate λ the decayed count's expectation is λ·W, so C_k/W is an
 * unbiased daily rate. The score is E_u(w) ÷ length: expected victim-reported crimes per km in the
 * bucket. An optional resident-reports term adds min(cap, weight · decayed reports) per type, never more
 * than `reportsMaxRatio` (0…1) × the crime term (so reports alone never lift a segment, nor outweigh
 * its crimes).
 */
export * from './types.js'
export * from './buckets.js'
export * from './aoristic.js'
export { knownAtMs } from './availability.js'
export * from './scorer-params.js'
export { RiskModel, type RiskModelOptions } from './risk-model.js'
export {
  forecastEachBucket,
  forecastFractions,
  forecastWindow,
  type BucketForecasts,
  type WindowForecast,
} from './forecast.js'
export * from './score-risk.js'
export * from './explain.js'
export * from './expected-by-bucket.js'
export { buildNetworkKernel, type NetworkKernel } from './network-kernel.js'
export {
  evaluateMethod,
  planBacktest,
  type BacktestData,
  type BacktestPlan,
  type PlanOptions,
} from './backtest/backtest-plan.js'
export * from './backtest/run-backtest.js'
export * from './backtest/report.js'
export * from './backtest/tune.js'
export * from './backtest/methods.js'
export { METHOD_NAMES, type MethodConfig } from './backtest/method-registry.js'
export type { Horizon, Period } from './backtest/periods.js'
export type { CoverageTable, MethodMetrics, PeriodOutcomes } from './backtest/summarize.js'
export { wilcoxonSignedRank, type WilcoxonResult } from './backtest/wilcoxon.js'
