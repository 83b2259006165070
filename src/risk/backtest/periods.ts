import { bucketLayout, forEachBucketPiece } from '../buckets.js'
import { DAY_MS, zoneClock } from '../../time/index.js'

/** Forecast horizon of a back-test: one forecast per local day, per 7-day week, or per shift. */
export type Horizon = 'day' | 'week' | 'shift'

/** One forecast period [startMs, endMs); the forecast is issued at `startMs`. */
export interface Period {
  readonly startMs: number
  readonly endMs: number
  /** Shift index for the `shift` horizon, else 0. */
  readonly bucket: number
}

/**
 * Parses a local calendar date `YYYY-MM-DD` to the instant of its local midnight.
 * @throws RangeError for anything else.
 */
export function localDateStartMs(date: string, timeZone: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const ms = match ? Date.UTC(+match[1], +match[2] - 1, +match[3]) : NaN
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`Expected a calendar date YYYY-MM-DD, got "${date}".`)
  }
  return zoneClock(timeZone).toUtcMs(ms)
}

/**
 * The periods from local date `from` through local date `to` (both inclusive).
 * - `day`: each local day (23 or 25 hours on DST days).
 * - `week`: whole 7-day weeks starting on `from`; a trailing partial week is left out.
 * - `shift`: each shift that starts within the dates (the 23–07 shift of `to` runs into the next day).
 * @throws RangeError when `to` is before `from`.
 */
export function periodsBetween(
  from: string,
  to: string,
  timeZone: string,
  horizon: Horizon,
  shiftStartHours: ReadonlyArray<number> = [7, 15, 23],
): Period[] {
  const startMs = localDateStartMs(from, timeZone)
  const lastMs = localDateStartMs(to, timeZone)
  if (lastMs < startMs) throw new RangeError(`Back-test ends (${to}) before it starts (${from}).`)
  const clock = zoneClock(timeZone)
  // local midnights, stepping by wall-clock days so DST days keep their true length
  const midnights: number[] = []
  const startLocal = clock.toLocalMs(startMs)
  for (let d = 0; ; d++) {
    const t = clock.toUtcMs(startLocal + d * DAY_MS)
    midnights.push(t)
    if (t > lastMs) break
  }
  const days = midnights.length - 1
  if (horizon === 'day') {
    return midnights
      .slice(0, days)
      .map((t, d) => ({ startMs: t, endMs: midnights[d + 1], bucket: 0 }))
  }
  if (horizon === 'week') {
    const periods: Period[] = []
    for (let d = 0; d + 7 <= days; d += 7) {
      periods.push({ startMs: midnights[d], endMs: midnights[d + 7], bucket: 0 })
    }
    return periods
  }
  const layout = bucketLayout({ kind: 'shift', startHours: shiftStartHours })
  const periods: Period[] = []
  const endMs = midnights[days]
  let pieceStart = startMs
  // the walk runs one day past the end so the last shift of `to` is complete
  forEachBucketPiece(layout, clock, startMs, endMs + DAY_MS, (bucket, ms) => {
    // pieces end at shift boundaries, so only the first piece can be the tail of an earlier shift
    const startsShift =
      pieceStart !== startMs || isShiftStart(clock.toLocalMs(pieceStart), shiftStartHours)
    if (startsShift && pieceStart < endMs)
      periods.push({ startMs: pieceStart, endMs: pieceStart + ms, bucket })
    pieceStart += ms
  })
  return periods
}

function isShiftStart(localMs: number, startHours: ReadonlyArray<number>): boolean {
  const minuteOfDay = Math.round((((localMs % DAY_MS) + DAY_MS) % DAY_MS) / 60_000)
  return startHours.some((h) => h * 60 === minuteOfDay)
}
