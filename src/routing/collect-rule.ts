import { topIndices } from './top-places.js'

/**
 * The collection rule. The shift is cut into buckets of `widthS` seconds (hours; one bucket for a
 * time-blind plan), the last one clipped at the shift end. A dwell [a, b) on a place takes from
 * each bucket it overlaps the share (overlap ÷ (b − a)) of that bucket's prize, so a dwell that
 * straddles an hour boundary is split pro rata. Shares of one place in one bucket add up over all
 * dwells and units but are capped at 1: a second dwell in an hour already covered collects
 * nothing, one that covers what a straddling dwell left collects the rest.
 */
export interface ShiftBuckets {
  readonly count: number
  readonly widthS: number
  readonly shiftS: number
}

/** Hourly buckets for a shift of `shiftHours` (a fraction gives a short last hour). */
export function hourlyBuckets(shiftHours: number): ShiftBuckets {
  return { count: Math.ceil(shiftHours - 1e-9), widthS: 3600, shiftS: shiftHours * 3600 }
}

/** One bucket spanning the whole shift (what a planner that ignores time of day sees). */
export function wholeShiftBucket(shiftHours: number): ShiftBuckets {
  return { count: 1, widthS: shiftHours * 3600, shiftS: shiftHours * 3600 }
}

/** Seconds of bucket `k`. */
export function bucketLengthS(buckets: ShiftBuckets, k: number): number {
  return Math.min(buckets.widthS, buckets.shiftS - k * buckets.widthS)
}

/**
 * Calls `visit(k, share)` for each bucket overlapped by the dwell [fromS, toS) (seconds since the
 * shift start); the shares add up to 1.
 */
export function forEachShare(
  buckets: ShiftBuckets,
  fromS: number,
  toS: number,
  visit: (k: number, share: number) => void,
): void {
  const length = toS - fromS
  const last = buckets.count - 1
  let k = Math.min(last, Math.max(0, Math.floor(fromS / buckets.widthS)))
  for (;;) {
    const end = k === last ? Infinity : (k + 1) * buckets.widthS
    const start = k === 0 ? -Infinity : k * buckets.widthS
    const overlap = Math.min(toS, end) - Math.max(fromS, start)
    if (overlap > 0) visit(k, overlap / length)
    if (end >= toS) return
    k++
  }
}

/**
 * The teleport bound: Σ over buckets of the best prizes the units' dwell slots could collect if
 * travel took no time. In a bucket of length ℓ, all dwells together cover at most units·ℓ / dwell
 * place shares (each share ≤ 1 per place), so the bound takes the top ⌊units·ℓ/dwell⌋ prizes plus
 * the fractional part of the next one (a fractional knapsack; for 4 units × 12 min, 20 per hour).
 * No plan under the rule above can collect more.
 */
export function teleportBound(
  rows: ReadonlyArray<ArrayLike<number>>,
  buckets: ShiftBuckets,
  units: number,
  dwellS: number,
  allowed: (place: number) => boolean,
): number {
  let bound = 0
  for (let k = 0; k < buckets.count; k++) {
    const slots = (units * bucketLengthS(buckets, k)) / dwellS
    const top = topIndices(rows[k], Math.ceil(slots), allowed)
    for (let i = 0; i < top.length; i++) {
      bound += rows[k][top[i]] * Math.min(1, slots - i)
    }
  }
  return bound
}

/** A dwell as plans report it: a place and a time span in UTC ms. */
export interface TimedDwell {
  readonly place: number
  readonly arriveMs: number
  readonly leaveMs: number
}

/**
 * The value of a set of dwells (any units, any order) under the rule above with hourly prizes
 * `rows` for a shift starting at `shiftStartMs`: the yardstick every plan and baseline is scored by.
 */
export function collectedValue(
  dwells: ReadonlyArray<TimedDwell>,
  rows: ReadonlyArray<ArrayLike<number>>,
  shiftStartMs: number,
  shiftHours: number,
): number {
  return creditedValues(dwells, rows, shiftStartMs, shiftHours).reduce((sum, v) => sum + v, 0)
}

/**
 * What each dwell adds under the rule above, crediting `dwells` in the order given (pass them in
 * time order to get each stop's share of the plan value): what earlier dwells left of its hours'
 * prizes. The values add up to `collectedValue` of the same dwells.
 */
export function creditedValues(
  dwells: ReadonlyArray<TimedDwell>,
  rows: ReadonlyArray<ArrayLike<number>>,
  shiftStartMs: number,
  shiftHours: number,
): Float64Array {
  const buckets = hourlyBuckets(shiftHours)
  const cover = new Map<number, number>()
  const gains = new Float64Array(dwells.length)
  dwells.forEach((d, i) => {
    const a = (d.arriveMs - shiftStartMs) / 1000
    const b = (d.leaveMs - shiftStartMs) / 1000
    forEachShare(buckets, a, b, (k, share) => {
      const key = d.place * buckets.count + k
      const before = cover.get(key) ?? 0
      cover.set(key, before + share)
      gains[i] += rows[k][d.place] * (Math.min(1, before + share) - Math.min(1, before))
    })
  })
  return gains
}
