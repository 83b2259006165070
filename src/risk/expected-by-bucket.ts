import { forecastFractions } from './forecast.js'
import type { RiskModel } from './risk-model.js'

/** Expected crimes over the whole network in one occurrence of a bucket. */
export interface BucketExpectation {
  readonly bucket: string
  /** Nominal length of the bucket, hours. */
  readonly hours: number
  /** Expected victim-reported crimes in one occurrence of the bucket, network-wide. */
  readonly expected: number
}

/**
 * How much crime each bucket expects network-wide as of the model's time (e.g. per shift), for
 * scheduling: Σ over segments of the daily rate × cycle days × the segment's shrunk bucket share.
 * @param categories - crime categories to count; all counted ones when omitted.
 */
export function expectedByBucket(
  model: RiskModel,
  categories?: ReadonlySet<string>,
): ReadonlyArray<BucketExpectation> {
  const { layout } = model
  return layout.ids.map((bucket, b) => {
    const fractions = new Float64Array(layout.count)
    fractions[b] = 1
    return {
      bucket,
      hours: layout.hours[b],
      expected: forecastFractions(model, fractions, categories).total,
    }
  })
}
