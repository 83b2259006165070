import { forEachBucketPiece, type BucketLayout } from './buckets.js'
import { DAY_MS, type ZoneClock } from './zone-clock.js'

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
  if (layout.count === 1) return { buckets: [0], weights: [1] }
  const from = Math.min(fromMs, toMs)
  const span = Math.max(fromMs, toMs) - from
  if (span === 0) return { buckets: [clockBucket(layout, clock, from)], weights: [1] }
  const cycleMs = layout.cycleDays * DAY_MS
  const wholeCycles = Math.floor(span / cycleMs)
  const shares = new Float64Array(layout.count)
  if (wholeCycles > 0) {
    const cycleHours = layout.cycleDays * 24
    for (let b = 0; b < layout.count; b++) {
      shares[b] = (wholeCycles * cycleMs * layout.hours[b]) / cycleHours
    }
  }
  const restFrom = from + wholeCycles * cycleMs
  forEachBucketPiece(layout, clock, restFrom, from + span, (bucket, ms) => {
    shares[bucket] += ms
  })
  const buckets: number[] = []
  const weights: number[] = []
  let total = 0
  for (let b = 0; b < layout.count; b++) total += shares[b]
  for (let b = 0; b < layout.count; b++) {
    if (shares[b] > 0) {
      buckets.push(b)
      weights.push(shares[b] / total)
    }
  }
  return { buckets, weights }
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

function clockBucket(layout: BucketLayout, clock: ZoneClock, utcMs: number): number {
  return layout.indexAtLocal(clock.toLocalMs(utcMs))
}
