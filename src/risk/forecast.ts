import type { ModelState, RiskModel } from './risk-model.js'
import { borrowOf, categoryWeightOf } from './scorer-params.js'

/**
 * Expected victim-reported crimes per segment in one time window, split into the scorer's terms
 * (own + borrowed + nearRepeat + reports = expected). Counts, not densities: divide by length for
 * ranking.
 */
export interface WindowForecast {
  readonly expected: Float64Array
  /** Long-term decayed density of each target category on its own. */
  readonly own: Float64Array
  /** Cross-category borrowing (β). */
  readonly borrowed: Float64Array
  /** Same-segment near repeat (γ). */
  readonly nearRepeat: Float64Array
  /** Optional resident-reports layer (0 unless configured). */
  readonly reports: Float64Array
  /** Share of the segment's crimes per cycle expected in the window, after shrinkage (κ). */
  readonly bucketShare: Float64Array
  /** The same share for the whole network. */
  readonly globalBucketShare: number
  /**
   * Nominal bucket occurrences the window covers (Σ of its fractions): 1 for one whole bucket, more
   * or less when a daylight-saving change makes it 25 or 23 hours (shares above are not divided).
   */
  readonly occurrences: number
  /** Σ expected over the network. */
  readonly total: number
}

/**
 * Forecast for the window [startMs, endMs) from the model's state at its `asOfMs`.
 * @param categories - crime categories to forecast; all counted ones when omitted.
 */
export function forecastWindow(
  model: RiskModel,
  startMs: number,
  endMs: number,
  categories?: ReadonlySet<string>,
): WindowForecast {
  if (!(endMs > startMs)) {
    throw new RangeError(`Forecast window must end after it starts, got ${startMs}…${endMs}.`)
  }
  return forecastFractions(model, model.windowFractions(startMs, endMs), categories)
}

/** Each segment's expected crimes per day, split into the scorer's terms (before bucket shares). */
interface DailyRates {
  readonly own: Float64Array
  readonly borrowed: Float64Array
  readonly nearRepeat: Float64Array
  readonly reports: Float64Array
}

function dailyRates(
  model: RiskModel,
  state: ModelState,
  categories?: ReadonlySet<string>,
): DailyRates {
  const params = model.params
  const n = model.segments.length
  const gamma = params.nearRepeatWeight
  const perDay = state.longFactor / state.effectiveDays
  const own = new Float64Array(n)
  let borrowMass = 0
  let repeatMass = 0
  for (const [category, counts] of state.categoryCounts) {
    if (categories && !categories.has(category)) continue
    const weight = categoryWeightOf(params, category)
    if (weight === 0 || counts.total === 0) continue
    const beta = borrowOf(params, category)
    const scale = weight / (1 + beta + gamma)
    const ownCoef = scale * perDay
    const cells = counts.cells
    for (let u = 0; u < n; u++) own[u] += ownCoef * cells[u]
    const ratePerDay = counts.total * perDay
    borrowMass += scale * ratePerDay * beta
    repeatMass += scale * ratePerDay * gamma
  }
  const borrowed = new Float64Array(n)
  const nearRepeat = new Float64Array(n)
  const reports = reportsPerDay(model, state)
  for (let u = 0; u < n; u++) {
    const allShare = state.allTotal > 0 ? state.allCounts[u] / state.allTotal : 0
    const recentShare = state.recentTotal > 0 ? state.recentCounts[u] / state.recentTotal : allShare
    borrowed[u] = borrowMass * allShare
    const longPerDay = own[u] + borrowed[u]
    nearRepeat[u] = Math.min(repeatMass * recentShare, params.nearRepeatMaxRatio * longPerDay)
    reports[u] = Math.min(reports[u], params.reportsMaxRatio * (longPerDay + nearRepeat[u]))
  }
  return { own, borrowed, nearRepeat, reports }
}

/**
 * Forecast for a window given as the fraction of each bucket it covers (1 = one full occurrence).
 */
export function forecastFractions(
  model: RiskModel,
  fractions: Float64Array,
  categories?: ReadonlySet<string>,
): WindowForecast {
  const state = model.state()
  const n = model.segments.length
  const rates = dailyRates(model, state, categories)
  const shares = bucketShares(state, fractions, model.params.profileStrength)
  const cycleDays = state.layout.cycleDays
  const own = new Float64Array(n)
  const borrowed = new Float64Array(n)
  const nearRepeat = new Float64Array(n)
  const reports = new Float64Array(n)
  const expected = new Float64Array(n)
  let total = 0
  for (let u = 0; u < n; u++) {
    const days = cycleDays * shares.perSegment[u]
    own[u] = rates.own[u] * days
    borrowed[u] = rates.borrowed[u] * days
    nearRepeat[u] = rates.nearRepeat[u] * days
    reports[u] = rates.reports[u] * days
    expected[u] = own[u] + borrowed[u] + nearRepeat[u] + reports[u]
    total += expected[u]
  }
  return {
    expected,
    own,
    borrowed,
    nearRepeat,
    reports,
    bucketShare: shares.perSegment,
    globalBucketShare: shares.global,
    occurrences: fractions.reduce((sum, f) => sum + f, 0),
    total,
  }
}

/** Expected crimes of every segment in one occurrence of every bucket, and each bucket's total. */
export interface BucketForecasts {
  /** Bucket-major: segment u in bucket b at [b × segments + u]. */
  readonly expected: Float32Array
  readonly totals: Float64Array
}

/**
 * `forecastFractions` for each bucket in turn (one full occurrence), computing the daily rates
 * once: what a stored snapshot holds (168 hour-of-week buckets in O(buckets × segments)).
 */
export function forecastEachBucket(
  model: RiskModel,
  categories?: ReadonlySet<string>,
): BucketForecasts {
  const state = model.state()
  const n = model.segments.length
  const count = state.layout.count
  const rates = dailyRates(model, state, categories)
  const perDay = new Float64Array(n)
  for (let u = 0; u < n; u++)
    perDay[u] = rates.own[u] + rates.borrowed[u] + rates.nearRepeat[u] + rates.reports[u]
  const expected = new Float32Array(count * n)
  const totals = new Float64Array(count)
  const fractions = new Float64Array(count)
  for (let b = 0; b < count; b++) {
    fractions.fill(0)
    fractions[b] = 1
    const shares = bucketShares(state, fractions, model.params.profileStrength)
    for (let u = 0; u < n; u++) {
      const value = perDay[u] * state.layout.cycleDays * shares.perSegment[u]
      expected[b * n + u] = value
      totals[b] += value
    }
  }
  return { expected, totals }
}

/**
 * p_u(window) = Σ_b f_b · (n_u(b) + κ·p_global(b)) / (n_u + κ): each segment's profile shrunk toward the
 * network's; with no history at all the network profile is the buckets' share of the cycle's hours.
 */
function bucketShares(
  state: ModelState,
  fractions: Float64Array,
  kappa: number,
): { perSegment: Float64Array; global: number } {
  const { layout } = state
  const count = layout.count
  let globalSum = 0
  for (let b = 0; b < count; b++) globalSum += state.globalProfile[b]
  const cycleHours = layout.cycleDays * 24
  let global = 0
  const active: number[] = []
  for (let b = 0; b < count; b++) {
    if (fractions[b] === 0) continue
    active.push(b)
    const p = globalSum > 0 ? state.globalProfile[b] / globalSum : layout.hours[b] / cycleHours
    global += fractions[b] * p
  }
  const n = state.profileRowOf.length
  const perSegment = new Float64Array(n).fill(global)
  if (count === 1) return { perSegment, global }
  const factor = state.longFactor
  for (let u = 0; u < n; u++) {
    const row = state.profileRowOf[u]
    if (row < 0) continue
    let own = 0
    for (const b of active) own += fractions[b] * state.profileRows[row * count + b]
    const evidence = state.allCounts[u] * factor + kappa
    if (evidence > 0) perSegment[u] = (own * factor + kappa * global) / evidence
  }
  return { perSegment, global }
}

/** Σ over configured report types of min(cap, weight × decayed reports), expected crimes per day. */
function reportsPerDay(model: RiskModel, state: ModelState): Float64Array {
  const out = new Float64Array(model.segments.length)
  for (const [type, cells] of state.reportCounts) {
    const { weight, cap } = model.params.reports[type]
    for (let u = 0; u < out.length; u++) {
      out[u] += Math.min(cap, weight * cells[u] * state.reportFactor)
    }
  }
  return out
}
