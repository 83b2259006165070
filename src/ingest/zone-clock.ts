import { Temporal } from 'temporal-polyfill'
import { DAY_MS, HOUR_MS, civilFromWallMs } from './civil-date.js'

/** How the last conversion went. */
export type WallKind = 'normal' | 'gap' | 'overlap'

const NORMAL = 0
const GAP = 1
const OVERLAP = 2
const MIXED = 3 // the transition falls inside this hour: resolve per call
const KINDS: readonly WallKind[] = ['normal', 'gap', 'overlap']
const MAX_CACHED_DAYS = 100_000 // ~270 years of distinct days; cleared beyond that to bound memory

interface Resolved {
  readonly offsetMs: number
  readonly kind: number
}

/** Per-hour entries for a transition day; a plain number is a whole day at one offset. */
type DayEntry = number | readonly Resolved[]

/**
 * Local wall time → UTC instant in one IANA zone, with ONE daylight-saving policy (Temporal's
 * 'compatible', as RFC 5545): a time in a spring-forward gap moves forward by the gap length
 * (02:30 → 03:30), a time in a fall-back overlap takes the earlier instant (the first 01:30).
 *
 * Temporal is slow per call, so offsets are cached per local day; only the two transition days a
 * year are resolved per hour, and an hour with a transition inside it per call.
 */
export class ZoneClock {
  readonly timeZone: string
  /** Kind of the most recent `toEpochMs` call. */
  lastKind: WallKind = 'normal'
  private readonly days = new Map<number, DayEntry>()

  /** @throws when `timeZone` is not an IANA zone name known to this Node's ICU. */
  constructor(timeZone: string) {
    assertTimeZone(timeZone)
    this.timeZone = timeZone
  }

  /** UTC epoch ms of a local time given as wall ms (the local date-time read as if it were UTC). */
  toEpochMs(wallMs: number): number {
    const day = Math.floor(wallMs / DAY_MS)
    let entry = this.days.get(day)
    if (entry === undefined) {
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear()
      entry = this.resolveDay(day)
      this.days.set(day, entry)
    }
    if (typeof entry === 'number') {
      this.lastKind = 'normal'
      return wallMs - entry
    }
    const hour = entry[Math.floor((wallMs - day * DAY_MS) / HOUR_MS)]
    const resolved = hour.kind === MIXED ? this.resolve(wallMs) : hour
    this.lastKind = KINDS[resolved.kind]
    return wallMs - resolved.offsetMs
  }

  private resolveDay(day: number): DayEntry {
    const start = this.resolve(day * DAY_MS)
    const end = this.resolve((day + 1) * DAY_MS - 1)
    if (start.kind === NORMAL && end.kind === NORMAL && start.offsetMs === end.offsetMs) {
      return start.offsetMs
    }
    const hours: Resolved[] = []
    for (let h = 0; h < 24; h++) {
      const first = this.resolve(day * DAY_MS + h * HOUR_MS)
      const last = this.resolve(day * DAY_MS + (h + 1) * HOUR_MS - 1)
      const uniform = first.kind === last.kind && first.offsetMs === last.offsetMs
      hours.push(uniform ? first : { offsetMs: 0, kind: MIXED })
    }
    return hours
  }

  private resolve(wallMs: number): Resolved {
    const c = civilFromWallMs(wallMs)
    const local = new Temporal.PlainDateTime(
      c.year,
      c.month,
      c.day,
      c.hour,
      c.minute,
      c.second,
      c.millisecond,
    )
    const earlier = local.toZonedDateTime(this.timeZone, { disambiguation: 'earlier' })
    const later = local.toZonedDateTime(this.timeZone, { disambiguation: 'later' })
    if (earlier.epochMilliseconds === later.epochMilliseconds) {
      return { offsetMs: wallMs - earlier.epochMilliseconds, kind: NORMAL }
    }
    // in an overlap both instants show this wall time; in a gap neither does
    if (earlier.toPlainDateTime().equals(local)) {
      return { offsetMs: wallMs - earlier.epochMilliseconds, kind: OVERLAP }
    }
    return { offsetMs: wallMs - later.epochMilliseconds, kind: GAP }
  }
}

/** @throws with a remedy when the zone is unknown. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
  } catch (err) {
    throw new Error(
      `unknown time zone "${timeZone}" - give an IANA name such as "America/New_York"`,
      { cause: err },
    )
  }
}
