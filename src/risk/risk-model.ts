import { aoristicBucketWeightsInto, aoristicDecay } from './aoristic.js'
import { compareSameKnownAt, knownAtMs, knownOccurredToMs } from './availability.js'
import { bucketLayout, forEachBucketPiece, type BucketLayout } from './buckets.js'
import { DecayGroup } from './decay-group.js'
import { categoryWeightOf, type ScorerParams } from './scorer-params.js'
import type { ResidentReport, RiskIncident, RiskSegment } from './types.js'
import { DAY_MS, HOUR_MS, zoneClock, type ZoneClock } from '../time/index.js'

/** Options of `RiskModel` besides the scorer parameters. */
export interface RiskModelOptions {
  /** IANA zone of the agency; buckets are local wall-clock times. */
  readonly timeZone: string
  /**
   * Start of the incident history, for rate calibration; defaults to the earliest occurrence among the
   * counted incidents known at the forecast time.
   */
  readonly historyStartMs?: number
}

/**
 * The decayed evidence the forecast of one window reads: stored sums plus the factor turning them into
 * values at `asOfMs` (value = stored × factor). Views into the model, valid until it next changes.
 */
export interface ModelState {
  readonly asOfMs: number
  readonly layout: BucketLayout
  /** Effective history length W = τ(1 − e^{−H/τ}) in days: decayed count ÷ W = crimes per day. */
  readonly effectiveDays: number
  readonly longFactor: number
  readonly shortFactor: number
  readonly reportFactor: number
  /** Long-decayed count per category, and its network total (stored units). */
  readonly categoryCounts: ReadonlyMap<
    string,
    { readonly cells: Float64Array; readonly total: number }
  >
  /** Long-decayed count of all counted categories (stored units). */
  readonly allCounts: Float64Array
  readonly allTotal: number
  /** Short (near-repeat) decayed count of all counted categories (stored units). */
  readonly recentCounts: Float64Array
  readonly recentTotal: number
  /** Decayed report count per configured report type (stored units). */
  readonly reportCounts: ReadonlyMap<string, Float64Array>
  /** Profile row of each segment in `profileRows` (−1 = no history: global profile). */
  readonly profileRowOf: Int32Array
  /** Decayed bucket counts, `layout.count` cells per row (stored units, long factor). */
  readonly profileRows: Float64Array
  /** Decayed bucket counts over the network (stored units, long factor). */
  readonly globalProfile: Float64Array
}

/**
 * Incremental state of the default scorer over time. Incidents are queued with `addIncidents` and
 * enter the sums only once `advanceTo` passes the time they became known, so one model can walk
 * forward through a back-test and every forecast sees only what was reported by its time.
 */
export class RiskModel {
  readonly segments: ReadonlyArray<RiskSegment>
  readonly params: ScorerParams
  readonly layout: BucketLayout
  readonly clock: ZoneClock
  readonly #historyStartMs: number | undefined
  #earliestKnownMs = Infinity
  #asOfMs = -Infinity
  #pending: RiskIncident[] = []
  #pendingKnownAt = new Float64Array(0)
  /** Position of the first unapplied incident in `#pending`. */
  #pendingNext = 0
  #pendingSorted = true
  #pendingReports: ResidentReport[] = []
  readonly #long: DecayGroup
  readonly #short: DecayGroup
  readonly #reportGroup: DecayGroup
  readonly #categoryHandles = new Map<string, number>()
  readonly #allHandle: number
  readonly #recentHandle: number
  readonly #rowsHandle: number
  readonly #globalHandle: number
  readonly #reportHandles = new Map<string, number>()
  readonly #rowOf: Int32Array
  #rowCount = 0
  readonly #bucketBuffer: Int32Array
  readonly #weightBuffer: Float64Array
  /** Applied incidents; per segment a linked list through `#historyNext` (newest first). */
  readonly #applied: RiskIncident[] = []
  readonly #historyNext: number[] = []
  readonly #historyHead: Int32Array

  constructor(
    segments: ReadonlyArray<RiskSegment>,
    params: ScorerParams,
    options: RiskModelOptions,
  ) {
    segments.forEach((segment, i) => {
      if (segment.index !== i) {
        throw new RangeError(
          `Segment at position ${i} has index ${segment.index} - pass segments in index order.`,
        )
      }
    })
    this.segments = segments
    this.params = params
    this.layout = bucketLayout(params.buckets)
    this.clock = zoneClock(options.timeZone)
    this.#historyStartMs = options.historyStartMs
    const n = segments.length
    this.#long = new DecayGroup(params.longTauDays * DAY_MS, 0)
    this.#short = new DecayGroup(params.nearRepeatTauDays * DAY_MS, 0)
    this.#reportGroup = new DecayGroup(params.reportTauDays * DAY_MS, 0)
    this.#allHandle = this.#long.addArray(n)
    this.#rowsHandle = this.#long.addArray(64 * this.layout.count)
    this.#globalHandle = this.#long.addArray(this.layout.count)
    this.#recentHandle = this.#short.addArray(n)
    for (const [type, weight] of Object.entries(params.reports)) {
      if (weight.weight > 0 && weight.cap > 0)
        this.#reportHandles.set(type, this.#reportGroup.addArray(n))
    }
    this.#rowOf = new Int32Array(n).fill(-1)
    this.#historyHead = new Int32Array(n).fill(-1)
    this.#bucketBuffer = new Int32Array(this.layout.count)
    this.#weightBuffer = new Float64Array(this.layout.count)
  }

  /** The instant the state describes: everything known at or before it is in the sums. */
  get asOfMs(): number {
    return this.#asOfMs
  }

  /** True when the incident enters the score under these parameters. */
  counts(incident: RiskIncident): boolean {
    if (incident.enforcement && !this.params.includeEnforcement) return false
    return categoryWeightOf(this.params, incident.category) > 0
  }

  /**
   * Queues incidents; each enters the sums at the first `advanceTo` at or past the time it became known.
   * @throws RangeError for a segment index outside the network.
   */
  addIncidents(incidents: Iterable<RiskIncident>): void {
    for (const incident of incidents) {
      const u = incident.segmentIndex
      if (!Number.isInteger(u) || u < 0 || u >= this.segments.length) {
        throw new RangeError(
          `Incident on segment ${u} is outside the network of ${this.segments.length} segments - re-snap after rebuilding the network.`,
        )
      }
      if (!this.counts(incident)) continue
      this.#pending.push(incident)
      this.#pendingSorted = false
    }
  }

  /** Queues resident reports (ignored unless their type is configured in `params.reports`). */
  addReports(reports: Iterable<ResidentReport>): void {
    for (const report of reports) {
      if (this.#reportHandles.has(report.type)) this.#pendingReports.push(report)
    }
    this.#pendingReports.sort(
      (a, b) => a.reportedAtMs - b.reportedAtMs || a.segmentIndex - b.segmentIndex,
    )
  }

  /**
   * Moves the model to `asOfMs`, adding every queued incident known at or before it.
   * @throws RangeError when asked to go back in time (build a new model instead).
   */
  advanceTo(asOfMs: number): void {
    if (asOfMs < this.#asOfMs) {
      throw new RangeError(
        `Cannot move the risk model back from ${new Date(this.#asOfMs).toISOString()} to ${new Date(asOfMs).toISOString()} - build a new model.`,
      )
    }
    this.#asOfMs = asOfMs
    if (!this.#pendingSorted) this.#sortPending()
    const scale = {
      long: this.#long.scaleAt(asOfMs),
      short: this.#short.scaleAt(asOfMs),
    }
    const pending = this.#pending
    const known = this.#pendingKnownAt
    let next = this.#pendingNext
    while (next < pending.length && known[next] <= asOfMs) {
      this.#apply(pending[next], asOfMs, scale)
      next++
    }
    this.#pendingNext = next
    let reports = 0
    while (
      reports < this.#pendingReports.length &&
      this.#pendingReports[reports].reportedAtMs <= asOfMs
    ) {
      const report = this.#pendingReports[reports]
      const handle = this.#reportHandles.get(report.type) as number
      const amount = Math.exp(-(asOfMs - report.reportedAtMs) / this.#reportGroup.tauMs)
      this.#reportGroup.add(handle, report.segmentIndex, amount, asOfMs)
      reports++
    }
    if (reports > 0) this.#pendingReports = this.#pendingReports.slice(reports)
  }

  // sorts the unapplied incidents by the time they became known (keys computed once)
  #sortPending(): void {
    const items = this.#pending.slice(this.#pendingNext)
    const keys = Float64Array.from(items, knownAtMs)
    const order = Uint32Array.from(items.keys()).sort(
      (a, b) => keys[a] - keys[b] || compareSameKnownAt(items[a], items[b]),
    )
    this.#pending = Array.from(order, (i) => items[i])
    this.#pendingKnownAt = Float64Array.from(order, (i) => keys[i])
    this.#pendingNext = 0
    this.#pendingSorted = true
  }

  #apply(incident: RiskIncident, atMs: number, scale: { long: number; short: number }): void {
    const u = incident.segmentIndex
    const from = incident.occurredFromMs
    const to = knownOccurredToMs(incident)
    if (from < this.#earliestKnownMs) this.#earliestKnownMs = from
    const long = aoristicDecay(from, to, atMs, this.#long.tauMs) * scale.long
    this.#long.addStored(this.#categoryHandle(incident.category), u, long)
    this.#long.addStored(this.#allHandle, u, long)
    const short = aoristicDecay(from, to, atMs, this.#short.tauMs) * scale.short
    this.#short.addStored(this.#recentHandle, u, short)
    const row = this.#profileRow(u)
    const buckets = this.#bucketBuffer
    const weights = this.#weightBuffer
    const count = aoristicBucketWeightsInto(this.layout, this.clock, from, to, buckets, weights)
    for (let j = 0; j < count; j++) {
      this.#long.addStored(
        this.#rowsHandle,
        row * this.layout.count + buckets[j],
        long * weights[j],
      )
      this.#long.addStored(this.#globalHandle, buckets[j], long * weights[j])
    }
    this.#historyNext.push(this.#historyHead[u])
    this.#historyHead[u] = this.#applied.length
    this.#applied.push(incident)
  }

  #categoryHandle(category: string): number {
    let handle = this.#categoryHandles.get(category)
    if (handle === undefined) {
      handle = this.#long.addArray(this.segments.length)
      this.#categoryHandles.set(category, handle)
    }
    return handle
  }

  #profileRow(u: number): number {
    if (this.#rowOf[u] < 0) {
      this.#rowOf[u] = this.#rowCount++
      this.#long.grow(this.#rowsHandle, this.#rowCount * this.layout.count)
    }
    return this.#rowOf[u]
  }

  /** Incidents known by `asOfMs` on segment `index` that count under the parameters. */
  historyOf(index: number): ReadonlyArray<RiskIncident> {
    const list: RiskIncident[] = []
    for (let k = this.#historyHead[index]; k >= 0; k = this.#historyNext[k])
      list.push(this.#applied[k])
    return list.reverse()
  }

  /** Decayed evidence at `asOfMs`, as views (see `ModelState`). */
  state(): ModelState {
    const at = this.#asOfMs
    if (!Number.isFinite(at))
      throw new Error('The risk model has no time yet - call advanceTo(asOfMs) first.')
    // factors first: they may rebase, which rewrites the stored arrays
    const longFactor = this.#long.factorAt(at)
    const shortFactor = this.#short.factorAt(at)
    const reportFactor = this.#reportGroup.factorAt(at)
    const categoryCounts = new Map<string, { cells: Float64Array; total: number }>()
    for (const [category, handle] of this.#categoryHandles) {
      categoryCounts.set(category, {
        cells: this.#long.stored(handle),
        total: this.#long.storedTotal(handle),
      })
    }
    const reportCounts = new Map<string, Float64Array>()
    for (const [type, handle] of this.#reportHandles)
      reportCounts.set(type, this.#reportGroup.stored(handle))
    const tauDays = this.params.longTauDays
    const historyStart = this.#historyStartMs ?? Math.min(this.#earliestKnownMs, at)
    const historyDays = Math.max(1, (at - historyStart) / DAY_MS)
    return {
      asOfMs: at,
      layout: this.layout,
      effectiveDays: tauDays * -Math.expm1(-historyDays / tauDays),
      longFactor,
      shortFactor,
      reportFactor,
      categoryCounts,
      allCounts: this.#long.stored(this.#allHandle),
      allTotal: this.#long.storedTotal(this.#allHandle),
      recentCounts: this.#short.stored(this.#recentHandle),
      recentTotal: this.#short.storedTotal(this.#recentHandle),
      reportCounts,
      profileRowOf: this.#rowOf,
      profileRows: this.#long.stored(this.#rowsHandle),
      globalProfile: this.#long.stored(this.#globalHandle),
    }
  }

  /**
   * Fraction of each bucket's nominal length that [startMs, endMs) covers (1 = one full occurrence).
   */
  windowFractions(startMs: number, endMs: number): Float64Array {
    const fractions = new Float64Array(this.layout.count)
    forEachBucketPiece(this.layout, this.clock, startMs, endMs, (bucket, ms) => {
      fractions[bucket] += ms / (this.layout.hours[bucket] * HOUR_MS)
    })
    return fractions
  }
}
