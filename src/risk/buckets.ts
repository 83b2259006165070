import { DAY_MS, HOUR_MS, type ZoneClock } from '../time/index.js'

/**
 * How the week is cut into time buckets (all in local wall-clock time):
 * - `none`: one bucket, id `all`, one day long (a day-level forecast).
 * - `shift`: agency shifts by their local start hours; default 07–15, 15–23, 23–07 → ids `shift:0`,
 *   `shift:1`, `shift:2` (numbered in start order, the last one wraps past midnight).
 * - `dow`: day of week, ids `dow:0`…`dow:6`, Monday = 0.
 * - `how`: hour of week, ids `how:0`…`how:167`, Monday 00:00–01:00 = 0, Sunday 23:00 = 167.
 */
export type BucketScheme =
  | { readonly kind: 'none' }
  | { readonly kind: 'shift'; readonly startHours: ReadonlyArray<number> }
  | { readonly kind: 'dow' }
  | { readonly kind: 'how' }

/** Default agency shifts: 07–15, 15–23, 23–07 local. */
export const DEFAULT_SHIFT_STARTS: ReadonlyArray<number> = Object.freeze([7, 15, 23])
export const NO_BUCKETS: BucketScheme = Object.freeze({ kind: 'none' })
export const THREE_SHIFTS: BucketScheme = Object.freeze({
  kind: 'shift',
  startHours: DEFAULT_SHIFT_STARTS,
})
export const HOUR_OF_WEEK: BucketScheme = Object.freeze({ kind: 'how' })

/** Bucket layout derived from a scheme: how many, how long each is in one cycle. */
export interface BucketLayout {
  readonly scheme: BucketScheme
  readonly count: number
  /** Length of one full cycle of buckets in days: 1 for `none`/`shift`, 7 for `dow`/`how`. */
  readonly cycleDays: number
  /** Nominal hours of each bucket in one cycle (DST days aside). */
  readonly hours: ReadonlyArray<number>
  readonly ids: ReadonlyArray<string>
  /** The bucket index holding wall-clock time `localMs`. */
  indexAtLocal(localMs: number): number
  /** Local ms of the next bucket boundary strictly after `localMs`. */
  nextBoundaryLocal(localMs: number): number
}

/**
 * Checks a scheme and precomputes its layout.
 * @throws RangeError for shift start hours that are not distinct whole hours 0–23.
 */
export function bucketLayout(scheme: BucketScheme): BucketLayout {
  switch (scheme.kind) {
    case 'none':
      return fixedLayout(scheme, 1, 24, () => 'all', 1)
    case 'dow':
      return fixedLayout(scheme, 7, 24, (i) => `dow:${i}`, 7)
    case 'how':
      return fixedLayout(scheme, 168, 1, (i) => `how:${i}`, 7)
    case 'shift':
      return shiftLayout(scheme)
  }
}

function fixedLayout(
  scheme: BucketScheme,
  count: number,
  hoursEach: number,
  id: (i: number) => string,
  cycleDays: number,
): BucketLayout {
  const width = hoursEach * HOUR_MS
  const cycle = cycleDays * DAY_MS
  // 1970-01-01 was a Thursday; shift so that Monday 00:00 starts the cycle
  const mondayShift = 3 * DAY_MS
  return {
    scheme,
    count,
    cycleDays,
    hours: Array.from({ length: count }, () => hoursEach),
    ids: Array.from({ length: count }, (_, i) => id(i)),
    indexAtLocal: (localMs) =>
      count === 1 ? 0 : Math.floor(mod(localMs + mondayShift, cycle) / width),
    nextBoundaryLocal: (localMs) => (Math.floor(localMs / width) + 1) * width,
  }
}

function shiftLayout(scheme: { readonly startHours: ReadonlyArray<number> }): BucketLayout {
  const starts = [...scheme.startHours].sort((a, b) => a - b)
  const distinct = new Set(starts).size === starts.length
  if (
    starts.length === 0 ||
    !distinct ||
    starts.some((h) => !Number.isInteger(h) || h < 0 || h > 23)
  ) {
    throw new RangeError(
      `Shift start hours must be distinct whole hours 0-23, got [${scheme.startHours.join(', ')}].`,
    )
  }
  const hours = starts.map((h, i) => (i + 1 < starts.length ? starts[i + 1] : starts[0] + 24) - h)
  const startMs = starts.map((h) => h * HOUR_MS)
  return {
    scheme: { kind: 'shift', startHours: starts },
    count: starts.length,
    cycleDays: 1,
    hours,
    ids: starts.map((_, i) => `shift:${i}`),
    indexAtLocal: (localMs) => {
      const t = mod(localMs, DAY_MS)
      for (let i = startMs.length - 1; i >= 0; i--) if (t >= startMs[i]) return i
      return startMs.length - 1
    },
    nextBoundaryLocal: (localMs) => {
      const day = Math.floor(localMs / DAY_MS) * DAY_MS
      const t = localMs - day
      for (const s of startMs) if (s > t) return day + s
      return day + DAY_MS + startMs[0]
    },
  }
}

/**
 * The bucket index of an id such as `shift:2`, `how:0` or `all`.
 * @throws RangeError naming the valid ids when `id` does not belong to the layout.
 */
export function bucketIndexOf(layout: BucketLayout, id: string): number {
  const index = layout.ids.indexOf(id)
  if (index < 0) {
    const range =
      layout.count === 1 ? layout.ids[0] : `${layout.ids[0]}…${layout.ids[layout.count - 1]}`
    throw new RangeError(
      `Bucket "${id}" is not in the ${layout.scheme.kind} scheme - use ${range}.`,
    )
  }
  return index
}

/** The bucket index holding instant `utcMs` in `clock`'s zone. */
export function bucketIndexAt(layout: BucketLayout, clock: ZoneClock, utcMs: number): number {
  return layout.indexAtLocal(clock.toLocalMs(utcMs))
}

/**
 * Calls `visit(bucket, ms)` for each piece of [fromMs, toMs) lying in one bucket, in time order; the
 * pieces' durations add up to toMs − fromMs exactly (DST days included).
 */
export function forEachBucketPiece(
  layout: BucketLayout,
  clock: ZoneClock,
  fromMs: number,
  toMs: number,
  visit: (bucket: number, ms: number) => void,
): void {
  let t = fromMs
  while (t < toMs) {
    const local = clock.toLocalMs(t)
    const bucket = layout.indexAtLocal(local)
    let next = clock.toUtcMs(layout.nextBoundaryLocal(local))
    // a boundary inside a fall-back overlap can map back in time; never step backwards
    if (next <= t) next = t + (layout.nextBoundaryLocal(local) - local)
    const end = Math.min(next, toMs)
    visit(bucket, end - t)
    t = end
  }
}

/**
 * The time window [startMs, endMs) of the occurrence of bucket `index` that contains `atMs`, or of the
 * next one after it. For `none` this is the local day containing `atMs`.
 */
export function bucketWindow(
  layout: BucketLayout,
  clock: ZoneClock,
  index: number,
  atMs: number,
): { readonly startMs: number; readonly endMs: number } {
  // bucket boundaries repeat every cycle, so one cycle before the day of atMs is early enough
  let t = clock.startOfLocalDay(atMs) - (layout.cycleDays + 1) * DAY_MS
  for (let guard = 0; guard < 4 * 24 * layout.cycleDays + 8; guard++) {
    const local = clock.toLocalMs(t)
    const bucket = layout.indexAtLocal(local)
    let end = clock.toUtcMs(layout.nextBoundaryLocal(local))
    if (end <= t) end = t + (layout.nextBoundaryLocal(local) - local)
    if (bucket === index && end > atMs) return { startMs: t, endMs: end }
    t = end
  }
  throw new Error(`Bucket ${index} never occurs in the ${layout.scheme.kind} scheme - a bug.`)
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m
}
