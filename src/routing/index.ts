/**
 * Time-bucketed patrol plans: a team orienteering problem on street segments with hourly prizes.
 *
 * Prize p_h(s) = expected victim-reported crimes on place s during shift hour h (the risk core's
 * hour-of-week forecast). A dwell of D minutes (default 12) on s over [a, b) takes from each hour
 * it overlaps the share overlap/(b − a) of that hour's prize; shares of one place in one hour add
 * up over all units and are capped at 1. Plan value = Σ_s,h p_h(s) · min(1, Σ shares). Passing by
 * collects nothing. Teleport bound = Σ_h best fractional knapsack of p_h with capacity
 * units · 60/D (top ⌊units·60/D⌋ prizes plus the fraction of the next), over places some unit can
 * reach and leave in time: no plan can beat it. Units start and end at their positions, keep
 * one-ways, never U-turn mid-segment and are back by the shift end; dwells on one place keep a
 * minimum gap (default 30 min) and a per-shift cap; a share of stops (default 10 %) goes to
 * randomly sampled lower-risk places.
 *
 * Search: the top places of each hour (3 × the hour's dwell slots) as candidates; travel tables
 * between their directed segments by a bucket many-to-many search on the network's contraction
 * hierarchy (equal to its one-to-many costs); ratio greedy; then seeded simulated annealing under
 * an iteration budget, fitted to a wall-clock deadline when one is given.
 */
export type { DirectedStep, PlanGraph, SegmentPosition, TravelMode } from './plan-graph.js'
export type * from './types.js'
export {
  DEFAULT_DWELL_MINUTES,
  DEFAULT_EXPLORATION_SHARE,
  DEFAULT_MIN_REVISIT_MINUTES,
} from './check-request.js'
export { bucketLengthS, collectedValue, hourlyBuckets, type TimedDwell } from './collect-rule.js'
export { DEFAULT_BUDGET_MS, ITERATIONS_PER_UNIT, planPatrol } from './plan-patrol.js'
export { planRatioGreedy, planTimeBlind, planTopKNearest } from './baselines.js'
export { planGraphOf, placesByWay } from './from-network.js'
export { mulberry32, type Random } from './random.js'
