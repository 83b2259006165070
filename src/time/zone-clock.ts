/** Milliseconds in a minute, an hour, a wall-clock day (24 h; DST is the zone clock's business). */
export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
/** Distinct UTC days cached per zone (~270 years); the cache is cleared beyond that to bound memory. */
const MAX_CACHED_DAYS = 100_000

/**
 * Local wall-clock arithmetic for one IANA time zone, fast enough to call per incident.
 * "Local ms" means the wall-clock time written as if it were UTC (Date.UTC of the local fields).
 */
export interface ZoneClock {
  readonly timeZone: string
  /** UTC offset in ms at `utcMs` (local = utc + offset). */
  offsetMs(utcMs: number): number
  /** Wall-clock time at `utcMs`, as local ms. */
  toLocalMs(utcMs: number): number
  /**
   * The instant showing wall-clock `localMs`. A time skipped by a spring-forward gap moves forward by the
   * gap; a time shown twice in a fall-back overlap resolves to the earlier instant.
   */
  toUtcMs(localMs: number): number
  /** The instant of local midnight starting the day that contains `utcMs`. */
  startOfLocalDay(utcMs: number): number
  /** `toUtcMs`, and whether the wall time was skipped ('gap') or shown twice ('overlap'). */
  resolveWall(localMs: number): { readonly utcMs: number; readonly kind: WallKind }
}

/** How a wall-clock time maps to instants: once, not at all (spring forward), or twice (fall back). */
export type WallKind = 'normal' | 'gap' | 'overlap'

const clocks = new Map<string, ZoneClock>()

/**
 * A clock for `timeZone` (e.g. 'America/New_York'); clocks are cached per zone.
 * @throws RangeError when the zone is unknown to this Node's ICU data.
 */
export function zoneClock(timeZone: string): ZoneClock {
  let clock = clocks.get(timeZone)
  if (!clock) {
    clock = createZoneClock(timeZone)
    clocks.set(timeZone, clock)
  }
  return clock
}

interface DayOffsets {
  readonly startOffset: number
  /** First instant with `endOffset`; Infinity when the offset is constant all day. */
  readonly switchAt: number
  readonly endOffset: number
}

function createZoneClock(timeZone: string): ZoneClock {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch (cause) {
    throw new RangeError(
      `Unknown time zone "${timeZone}" - pass an IANA name such as "America/New_York".`,
      {
        cause,
      },
    )
  }
  const exactOffset = (utcMs: number): number => {
    const at = Math.floor(utcMs / 1000) * 1000
    const parts: Record<string, number> = {}
    for (const part of format.formatToParts(at)) parts[part.type] = Number(part.value)
    const local = Date.UTC(
      parts.year,
      parts.month - 1,
      parts.day,
      parts.hour,
      parts.minute,
      parts.second,
    )
    return local - at
  }
  // offsets change at most once per UTC day in every real zone, so one switch per day is cached
  const days = new Map<number, DayOffsets>()
  const dayOffsets = (day: number): DayOffsets => {
    let entry = days.get(day)
    if (entry) return entry
    if (days.size >= MAX_CACHED_DAYS) days.clear()
    const start = day * DAY_MS
    const startOffset = exactOffset(start)
    const endOffset = exactOffset(start + DAY_MS - 1000)
    let switchAt = Infinity
    if (startOffset !== endOffset) {
      let lo = start
      let hi = start + DAY_MS - 1000
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000
        if (exactOffset(mid) === startOffset) lo = mid
        else hi = mid
      }
      switchAt = hi
    }
    entry = { startOffset, switchAt, endOffset }
    days.set(day, entry)
    return entry
  }
  const offsetMs = (utcMs: number): number => {
    const entry = dayOffsets(Math.floor(utcMs / DAY_MS))
    return utcMs < entry.switchAt ? entry.startOffset : entry.endOffset
  }
  const toLocalMs = (utcMs: number): number => utcMs + offsetMs(utcMs)
  const resolveWall = (localMs: number): { utcMs: number; kind: WallKind } => {
    const early = localMs - offsetMs(localMs - DAY_MS)
    const late = localMs - offsetMs(localMs + DAY_MS)
    // the common case: one offset all around, no transition within a day either side
    if (early === late && toLocalMs(early) === localMs) return { utcMs: early, kind: 'normal' }
    const earlyFits = toLocalMs(early) === localMs
    const lateFits = toLocalMs(late) === localMs
    if (earlyFits && lateFits)
      return early === late
        ? { utcMs: early, kind: 'normal' }
        : { utcMs: Math.min(early, late), kind: 'overlap' }
    if (earlyFits) return { utcMs: early, kind: 'normal' }
    if (lateFits) return { utcMs: late, kind: 'normal' }
    // inside a gap: the pre-transition offset moves the wall time forward by the gap
    return { utcMs: early, kind: 'gap' }
  }
  const toUtcMs = (localMs: number): number => resolveWall(localMs).utcMs
  const startOfLocalDay = (utcMs: number): number => {
    const local = toLocalMs(utcMs)
    return toUtcMs(Math.floor(local / DAY_MS) * DAY_MS)
  }
  return { timeZone, offsetMs, toLocalMs, toUtcMs, startOfLocalDay, resolveWall }
}
