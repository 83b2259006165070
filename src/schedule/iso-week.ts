import { DAY_MS, type ZoneClock } from '../time/index.js'

/** One local day of a week: its date and its local midnight as an instant. */
export interface WeekDay {
  readonly date: string
  readonly startMs: number
}

/** Raised for a week label that is malformed or names a week that does not exist. */
export class InvalidWeekError extends RangeError {
  readonly code = 'invalid-week'
}

const WEEK = /^(\d{4})-W(\d{2})$/

/** ISO 8601 weeks in a year: 53 when 1 January is a Thursday, or a Wednesday in a leap year. */
export function isoWeeksInYear(year: number): number {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay()
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52
}

/**
 * The seven local days (Monday first) of an ISO week such as `2022-W10`, in a time zone.
 * @throws InvalidWeekError for `2022-W53` (2022 has 52 weeks), `2022-10`, `2022-W00`…
 */
export function isoWeekDays(week: string, clock: ZoneClock): WeekDay[] {
  const m = WEEK.exec(week)
  if (!m) throw new InvalidWeekError(`week must look like 2022-W10, got "${week}"`)
  const year = Number(m[1])
  const n = Number(m[2])
  if (n < 1 || n > isoWeeksInYear(year)) {
    throw new InvalidWeekError(
      `${week} does not exist: ${year} has ${isoWeeksInYear(year)} ISO weeks`,
    )
  }
  // week 1 holds 4 January; its Monday starts the ISO year
  const jan4 = Date.UTC(year, 0, 4)
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS + (n - 1) * 7 * DAY_MS
  return Array.from({ length: 7 }, (_, i) => {
    const localMidnight = monday + i * DAY_MS
    return {
      date: new Date(localMidnight).toISOString().slice(0, 10),
      startMs: clock.toUtcMs(localMidnight),
    }
  })
}
