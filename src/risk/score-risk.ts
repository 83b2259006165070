import { bucketIndexAt, bucketIndexOf, bucketWindow } from './buckets.js'
import { explainSegment, type RiskExplanation } from './explain.js'
import { forecastWindow, type WindowForecast } from './forecast.js'
import { RiskModel } from './risk-model.js'
import { resolveScorerParams, type ScorerParams } from './scorer-params.js'
import type { RiskData, RiskSegment } from './types.js'

/** Options of `scoreRisk`. */
export interface ScoreRiskOptions {
  /**
   * Forecast time: only incidents reported at or before it count (a date-only report date is read
   * as 24:00 of that day, so a 00:00 forecast sees the previous day's reports).
   */
  readonly asOfMs: number
  /** IANA zone the buckets are read in, e.g. 'America/New_York'. */
  readonly timeZone: string
  /** Bucket id (`shift:0`, `how:37`, `all`…); default: the bucket containing `asOfMs`. */
  readonly bucket?: string
  /** Scorer parameters; missing fields take `DEFAULT_SCORER_PARAMS`. */
  readonly params?: Partial<ScorerParams>
  /** Crime categories to forecast; default every counted category. */
  readonly categories?: ReadonlyArray<string>
  /** Only segments passing this (e.g. a bbox test) are returned; ranks stay network-wide. */
  readonly include?: (segment: RiskSegment) => boolean
  /** Most segments returned, best first; default all. */
  readonly limit?: number
  /** Start of history for rate calibration; see `RiskModelOptions.historyStartMs`. */
  readonly historyStartMs?: number
}

/** One ranked segment. */
export interface SegmentRisk {
  readonly segmentIndex: number
  readonly segmentId: string
  /** 1 = highest expected crimes per km in the network. */
  readonly rank: number
  /** Share of the network's segments with a strictly lower score, 0–100. */
  readonly percentile: number
  /** Expected victim-reported crimes in the bucket per km of this segment. */
  readonly expectedPerKm: number
  /** Expected victim-reported crimes in the bucket on this segment. */
  readonly expected: number
  readonly explanation: RiskExplanation
}

/** The ranked forecast for one bucket. */
export interface RiskRanking {
  readonly asOfMs: number
  readonly bucket: string
  /** The occurrence of the bucket scored: the one containing `asOfMs` or the next. */
  readonly startMs: number
  readonly endMs: number
  /** Expected victim-reported crimes in the bucket over the whole network (for scheduling). */
  readonly expectedTotal: number
  /** Segments ranked by expected crimes per km (ties by segment index); empty when none pass `include`. */
  readonly segments: ReadonlyArray<SegmentRisk>
}

/**
 * Ranks segments by expected victim-reported crimes per km in one time bucket, with an explanation
 * per segment. Pure: the same data and options give the same ranking.
 * @throws RangeError for an unknown bucket id, zone or invalid parameters.
 */
export function scoreRisk(data: RiskData, options: ScoreRiskOptions): RiskRanking {
  const params = resolveScorerParams(options.params)
  const model = new RiskModel(data.segments, params, {
    timeZone: options.timeZone,
    historyStartMs: options.historyStartMs,
  })
  model.addIncidents(data.incidents)
  if (data.reports) model.addReports(data.reports)
  model.advanceTo(options.asOfMs)
  return rankBucket(model, options)
}

/**
 * The ranking of `scoreRisk` from an already advanced model (for callers that keep a model warm).
 */
export function rankBucket(
  model: RiskModel,
  options: Pick<ScoreRiskOptions, 'bucket' | 'categories' | 'include' | 'limit'>,
): RiskRanking {
  const asOfMs = model.asOfMs
  const { layout, clock } = model
  const index =
    options.bucket === undefined
      ? bucketIndexAt(layout, clock, asOfMs)
      : bucketIndexOf(layout, options.bucket)
  const window = bucketWindow(layout, clock, index, asOfMs)
  const categories = options.categories ? new Set(options.categories) : undefined
  const forecast = forecastWindow(model, window.startMs, window.endMs, categories)
  const order = rankByDensity(model.segments, forecast)
  const n = order.length
  const rankOf = new Int32Array(n)
  for (let r = 0; r < n; r++) rankOf[order[r]] = r
  const perKm = (u: number) =>
    forecast.expected[u] / (Math.max(model.segments[u].lengthM, 1) / 1000)
  const lowerCount = countLower(order, perKm)
  const limit = options.limit ?? n
  const segments: SegmentRisk[] = []
  for (const u of order) {
    if (segments.length >= limit) break
    const segment = model.segments[u]
    if (options.include && !options.include(segment)) continue
    segments.push({
      segmentIndex: u,
      segmentId: segment.id,
      rank: rankOf[u] + 1,
      percentile: n > 0 ? (100 * lowerCount[u]) / n : 0,
      expectedPerKm: perKm(u),
      expected: forecast.expected[u],
      explanation: explainSegment(model, forecast, u),
    })
  }
  return {
    asOfMs,
    bucket: layout.ids[index],
    startMs: window.startMs,
    endMs: window.endMs,
    expectedTotal: forecast.total,
    segments,
  }
}

/** Segment indices by expected crimes per metre, highest first; ties by index. */
export function rankByDensity(
  segments: ReadonlyArray<RiskSegment>,
  forecast: Pick<WindowForecast, 'expected'>,
): Uint32Array {
  const density = new Float64Array(segments.length)
  for (let u = 0; u < density.length; u++) {
    density[u] = forecast.expected[u] / Math.max(segments[u].lengthM, 1)
  }
  const order = new Uint32Array(segments.length)
  for (let u = 0; u < order.length; u++) order[u] = u
  return order.sort((a, b) => density[b] - density[a] || a - b)
}

function countLower(order: Uint32Array, score: (u: number) => number): Int32Array {
  const lower = new Int32Array(order.length)
  let end = order.length
  // walk from the bottom: every segment below a run of equal scores is strictly lower
  while (end > 0) {
    let start = end - 1
    while (start > 0 && score(order[start - 1]) === score(order[end - 1])) start--
    for (let i = start; i < end; i++) lower[order[i]] = order.length - end
    end = start
  }
  return lower
}
