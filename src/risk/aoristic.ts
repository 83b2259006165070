import { forEachBucketPiece, type BucketLayout } from './buckets.js'
import { DAY_MS, type ZoneClock } from '../time/index.js'

/**
 * Aoristic weights (Ratcliffe): an incident whose time is only known to lie in [from, to] is spread
 * uniformly over that window.
 */

/**
 * The share of the occurrence window [fromMs, toMs] that falls in each bucket; the shares sum to 1.
 * An exact time (from = to) puts all weight on its bucket. Whole cycles of a long window (a week for
 * `how`/`dow`, a day for `shift`) are spread by the buckets' nominal hours; only the remainder is walked.
 * @returns bucket indices (ascending) and their weights.
 */
export function aoristicBucketWeights(
  layout: BucketLayout,
  clock: ZoneClock,
  fromMs: number,
  toMs: number,
): { readonly buckets: number[]; readonly weights: number[] } {
  const buckets = new Int32Array(layout.count)
  const weights = new Float64Array(layout.count)
  const n = aoristicBucketWeightsInto(layout, clock, fromMs, toMs, buckets, weights)
  return {
    buckets: Array.from(buckets.subarray(0, n)),
    weights: Array.from(weights.subarray(0, n)),
  }
}

/**
 * `aoristicBucketWeights` without allocation: writes into `buckets`/`weights` (at least
 * `layout.count` long) and returns how many entries it wrote.
 */
export function aoristicBucketWeightsInto(
  layout: BucketLayout,
  clock: ZoneClock,
  fromMs: number,
  toMs: number,
  buckets: Int32Array,
  weights: Float64Array,
): number {
  const from = Math.min(fromMs, toMs)
  const span = Math.max(fromMs, toMs) - from
  if (layout.count === 1 || span === 0) {
    buckets[0] = layout.count === 1 ? 0 : layout.indexAtLocal(clock.toLocalMs(from))
    weights[0] = 1
    return 1
  }
  const cycleMs = layout.cycleDays * DAY_MS
  const wholeCycles = Math.floor(span / cycleMs)
  weights.fill(0, 0, layout.count)
  if (wholeCycles > 0) {
    const cycleHours = layout.cycleDays * 24
    for (let b = 0; b < layout.count; b++) {
      weights[b] = (wholeCycles * cycleMs * layout.hours[b]) / cycleHours
    }
  }
  forEachBucketPiece(layout, clock, from + wholeCycles * cycleMs, from + span, (bucket, ms) => {
    weights[bucket] += ms
  })
  let n = 0
  for (let b = 0; b < layout.count; b++) {
    if (weights[b] > 0) {
      buckets[n] = b
      weights[n] = weights[b] / span
      n++
    }
  }
  return n
}

/**
 * Mean of e^{−(atMs − s)/τ} over s uniform in [fromMs, toMs], for atMs ≥ toMs: the aoristic weight an
 * incident keeps after exponential decay with time constant `tauMs`. Equals e^{−(at−to)/τ} · (1 − e^{−w/τ})·τ/w
 * for window length w, and e^{−(at−from)/τ} when w = 0.
 */
export function aoristicDecay(fromMs: number, toMs: number, atMs: number, tauMs: number): number {
  const w = Math.max(0, toMs - fromMs)
  const tail = Math.exp(-(atMs - toMs) / tauMs)
  if (w === 0) return tail
  const x = w / tauMs
  // −expm1(−x)/x keeps full precision for windows much shorter than τ
  return (tail * -Math.expm1(-x)) / x
}
