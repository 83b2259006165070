/** What one week of patrol is measured against: the fixed true rates and the neighbourhoods. */
export interface MetricContext {
  /** Share of true victimisation per segment (sums to 1). */
  readonly trueShare: Float64Array
  /** The top 1 % and 5 % of segments by true rate. */
  readonly top1: Int32Array
  readonly top5: Int32Array
  readonly hoodOf: Int32Array
  /** Share of true victimisation per neighbourhood. */
  readonly hoodTrueShare: Float64Array
}

/** One week of one arm. */
export interface WeekMetrics {
  /** Patrol-time share of the top 1 % / 5 % of segments by true rate ÷ their true share. */
  readonly top1Ratio: number
  readonly top5Ratio: number
  /** Gini of patrol minutes over all segments (0 = even, 1 = all on one). */
  readonly gini: number
  readonly placesPatrolled: number
  /** Largest neighbourhood patrol share ÷ true share, over neighbourhoods with true share > 0. */
  readonly hoodMaxRatio: number
  /** The neighbourhood with the largest ratio (index into the city's names). */
  readonly hoodMaxIndex: number
  readonly hoodsOver2: number
  /** Patrol-time share on segments whose true rate is 0 (no victim-reported crime in 2021). */
  readonly zeroTruePatrol: number
  /** Patrol-time share of the arm's favoured set (top 1 % by week-1 patrol). */
  readonly favouredPatrol: number
  /** The scorer's forecast share of the favoured set ÷ its true share (1 = calibrated). */
  readonly favouredForecastRatio: number
  /** The scorer's forecast share of the top 1 % by true rate ÷ their true share. */
  readonly top1ForecastRatio: number
  /** Share of the week's dwells on a place in an hour of the week that week 1 also patrolled. */
  readonly keptPlaceHours: number
  readonly explorationShare: number
  readonly discovered: number
}

/** The `count` largest `values` (positive only), largest first, ties to the lower index. */
export function topSet(values: ArrayLike<number>, count: number): Int32Array {
  const order = Array.from({ length: values.length }, (_, i) => i)
    .filter((i) => values[i] > 0)
    .sort((a, b) => values[b] - values[a] || a - b)
  return Int32Array.from(order.slice(0, count))
}

/** Builds the context; top sets are ⌈1 %⌉ and ⌈5 %⌉ of the segments. */
export function metricContext(
  trueWeekly: Float64Array,
  hoodOf: Int32Array,
  hoodCount: number,
): MetricContext {
  const trueShare = normalised(trueWeekly)
  const n = trueWeekly.length
  const hoodTrueShare = new Float64Array(hoodCount)
  for (let u = 0; u < n; u++) hoodTrueShare[hoodOf[u]] += trueShare[u]
  return {
    trueShare,
    top1: topSet(trueWeekly, Math.ceil(0.01 * n)),
    top5: topSet(trueWeekly, Math.ceil(0.05 * n)),
    hoodOf,
    hoodTrueShare,
  }
}

/**
 * Metrics of one week.
 * @param minutes - patrol minutes per segment this week
 * @param forecast - the scorer's expected crimes per segment this week (true rates for the oracle)
 */
export function weekMetrics(
  ctx: MetricContext,
  minutes: Float64Array,
  forecast: Float64Array,
  favoured: Int32Array,
  extra: {
    readonly exploration: number
    readonly stops: number
    readonly discovered: number
    readonly kept: number
  },
): WeekMetrics {
  const patrol = normalised(minutes)
  const predicted = normalised(forecast)
  const shareOf = (share: Float64Array, set: Int32Array) => set.reduce((a, u) => a + share[u], 0)
  const hoodPatrol = new Float64Array(ctx.hoodTrueShare.length)
  for (let u = 0; u < patrol.length; u++) hoodPatrol[ctx.hoodOf[u]] += patrol[u]
  let hoodMaxRatio = 0
  let hoodMaxIndex = -1
  let hoodsOver2 = 0
  ctx.hoodTrueShare.forEach((t, h) => {
    if (t === 0) return
    const ratio = hoodPatrol[h] / t
    if (ratio > hoodMaxRatio) [hoodMaxRatio, hoodMaxIndex] = [ratio, h]
    if (ratio > 2) hoodsOver2++
  })
  let zeroTruePatrol = 0
  for (let u = 0; u < patrol.length; u++) if (ctx.trueShare[u] === 0) zeroTruePatrol += patrol[u]
  return {
    top1Ratio: shareOf(patrol, ctx.top1) / shareOf(ctx.trueShare, ctx.top1),
    top5Ratio: shareOf(patrol, ctx.top5) / shareOf(ctx.trueShare, ctx.top5),
    gini: gini(minutes),
    placesPatrolled: minutes.reduce((a, m) => a + (m > 0 ? 1 : 0), 0),
    hoodMaxRatio,
    hoodMaxIndex,
    hoodsOver2,
    zeroTruePatrol,
    favouredPatrol: shareOf(patrol, favoured),
    favouredForecastRatio: shareOf(predicted, favoured) / shareOf(ctx.trueShare, favoured),
    top1ForecastRatio: shareOf(predicted, ctx.top1) / shareOf(ctx.trueShare, ctx.top1),
    keptPlaceHours: extra.kept / extra.stops,
    explorationShare: extra.exploration / extra.stops,
    discovered: extra.discovered,
  }
}

/** Gini coefficient of non-negative values (0 when all are 0). */
export function gini(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort()
  let total = 0
  let weighted = 0
  for (let i = 0; i < sorted.length; i++) {
    total += sorted[i]
    weighted += (i + 1) * sorted[i]
  }
  const n = sorted.length
  return total === 0 ? 0 : (2 * weighted) / (n * total) - (n + 1) / n
}

/**
 * Values divided by their sum.
 * @throws Error when the sum is not positive (nothing to share out).
 */
export function normalised(values: ArrayLike<number>): Float64Array {
  let total = 0
  for (let i = 0; i < values.length; i++) total += values[i]
  if (!(total > 0)) throw new Error(`Cannot share out a total of ${total}.`)
  return Float64Array.from(values, (v) => v / total)
}
