import { HOUR_MS, type ZoneClock } from '../time/index.js'
import type { WeekDay } from './iso-week.js'

/** The service's default shifts: 07–15, 15–23, 23–07 local. */
export const DEFAULT_SHIFT_STARTS: readonly number[] = [7, 15, 23]

/** One shift of one day: `shift:i` starting at local hour `startHours[i]`. */
export interface ShiftWindow {
  readonly day: string
  readonly shift: string
  readonly startMs: number
  /** Up to the next shift's start in local time: 8 h, or 7/9 h across a daylight-saving change. */
  readonly hours: number
}

/** The shifts of a day, in local time (a night shift ends on the next day). */
export function shiftWindows(
  day: WeekDay,
  clock: ZoneClock,
  starts: readonly number[] = DEFAULT_SHIFT_STARTS,
): ShiftWindow[] {
  const midnight = clock.toLocalMs(day.startMs)
  return starts.map((hour, i) => {
    const next = i + 1 < starts.length ? starts[i + 1]! : starts[0]! + 24
    const startMs = clock.toUtcMs(midnight + hour * HOUR_MS)
    const endMs = clock.toUtcMs(midnight + next * HOUR_MS)
    return { day: day.date, shift: `shift:${i}`, startMs, hours: (endMs - startMs) / HOUR_MS }
  })
}
