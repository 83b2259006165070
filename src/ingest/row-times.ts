import { MINUTE_MS, civilFromWallMs, formatWall } from './civil-date.js'
import { cell, makeReject } from './cells.js'
import {
  compileDateReader,
  createDateSlot,
  describeFormat,
  type DateReader,
  type DateSlot,
} from './date-reader.js'
import type { ColumnMapping, Reject } from './types.js'
import { zoneClock, type ZoneClock } from '../time/index.js'

/** A row's instants (UTC epoch ms) and what happened on the way; refilled for every row. */
export interface RowTimes {
  fromMs: number
  toMs: number
  reportedAtMs: number | null
  /** The occurrence start or end fell in a DST gap / overlap. */
  gap: boolean
  ambiguous: boolean
  /** The occurrence end lay after the report time and was cut back to it. */
  clamped: boolean
}

/** Creates the reusable RowTimes record. */
export function createRowTimes(): RowTimes {
  return {
    fromMs: NaN,
    toMs: NaN,
    reportedAtMs: null,
    gap: false,
    ambiguous: false,
    clamped: false,
  }
}

/**
 * The date rules of one file: occurrence start (required), end (missing → the start's own window)
 * and report time, each parsed, zoned, and checked against the floor and `now`; then
 * start ≤ end, start ≤ report, and an end after the report cut back to it.
 */
export class RowTimesReader {
  private readonly clock: ZoneClock
  private readonly readFrom: DateReader
  private readonly readTo: DateReader | undefined
  private readonly readReported: DateReader | undefined
  private readonly from = createDateSlot()
  private readonly to = createDateSlot()
  private readonly reported = createDateSlot()
  private readonly floorDay: string

  constructor(
    private readonly mapping: ColumnMapping,
    indexOf: (column: string) => number,
    timezone: string,
    private readonly now: number,
    private readonly floorMs: number,
  ) {
    const pivotYear = civilFromWallMs(now).year
    this.clock = zoneClock(timezone)
    this.readFrom = compileDateReader(mapping.occurredFrom, indexOf, cell, pivotYear)
    this.readTo =
      mapping.occurredTo && compileDateReader(mapping.occurredTo, indexOf, cell, pivotYear)
    this.readReported =
      mapping.reportedAt && compileDateReader(mapping.reportedAt, indexOf, cell, pivotYear)
    this.floorDay = new Date(floorMs).toISOString().slice(0, 10)
  }

  /** Fills `out`; returns the reject of the first date rule the row breaks, else undefined. */
  read(fields: readonly string[], line: number, out: RowTimes): Reject | undefined {
    out.gap = false
    out.ambiguous = false
    out.clamped = false
    return (
      this.readOccurrence(fields, line, out) ??
      this.readEnd(fields, line, out) ??
      this.readReport(fields, line, out)
    )
  }

  private readOccurrence(
    fields: readonly string[],
    line: number,
    out: RowTimes,
  ): Reject | undefined {
    const { from } = this
    const status = this.readFrom(fields, from)
    const format = describeFormat(this.mapping.occurredFrom)
    if (status === 'missing') {
      return makeReject(
        line,
        from.column || null,
        '',
        'required',
        `the occurrence date is empty (expected ${format})`,
      )
    }
    if (status === 'invalid') {
      return makeReject(
        line,
        from.column,
        from.value,
        'date.invalid',
        `"${from.value}" is not a valid date or time (expected ${format})`,
      )
    }
    out.fromMs = this.instant(from.start, from.offsetMinutes, out)
    out.toMs = from.end === from.start ? out.fromMs : this.instant(from.end, from.offsetMinutes)
    return this.checkRange(from, out.fromMs, line, 'occurrence')
  }

  private readEnd(fields: readonly string[], line: number, out: RowTimes): Reject | undefined {
    const { to } = this
    const status = this.readTo ? this.readTo(fields, to) : 'missing'
    if (status === 'invalid') {
      return makeReject(
        line,
        to.column,
        to.value,
        'date.invalid',
        `"${to.value}" is not a valid date or time (expected ${describeFormat(this.mapping.occurredTo!)})`,
      )
    }
    if (status === 'ok') {
      const start = this.instant(to.start, to.offsetMinutes, to.start === to.end ? out : undefined)
      const outOfRange = this.checkRange(to, start, line, 'occurrence end')
      if (outOfRange) return outOfRange
      out.toMs = to.end === to.start ? start : this.instant(to.end, to.offsetMinutes)
    }
    if (out.toMs > this.now) out.toMs = this.now
    if (out.toMs < out.fromMs) {
      return makeReject(
        line,
        to.column,
        this.shown(to),
        'date.window-inverted',
        `the occurrence ends (${this.shown(to)}) before it starts (${this.shown(this.from)})`,
      )
    }
    return undefined
  }

  private readReport(fields: readonly string[], line: number, out: RowTimes): Reject | undefined {
    const { reported } = this
    out.reportedAtMs = null
    const status = this.readReported ? this.readReported(fields, reported) : 'missing'
    if (status === 'missing') return undefined
    if (status === 'invalid') {
      return makeReject(
        line,
        reported.column,
        reported.value,
        'date.invalid',
        `"${reported.value}" is not a valid report date (expected ${describeFormat(this.mapping.reportedAt!)})`,
      )
    }
    const start = this.instant(reported.start, reported.offsetMinutes)
    const outOfRange = this.checkRange(reported, start, line, 'report date')
    if (outOfRange) return outOfRange
    const end =
      reported.end === reported.start ? start : this.instant(reported.end, reported.offsetMinutes)
    out.reportedAtMs = Math.min(end, this.now)
    if (out.fromMs > out.reportedAtMs) {
      return makeReject(
        line,
        this.from.column,
        this.shown(this.from),
        'date.after-report',
        `the occurrence (${this.shown(this.from)}) starts after it was reported (${this.shown(reported)})`,
      )
    }
    if (out.toMs > out.reportedAtMs) {
      out.toMs = out.reportedAtMs
      out.clamped = true
    }
    return undefined
  }

  /** Wall time → instant; DST kinds are recorded in `counted` when given. */
  private instant(wallMs: number, offsetMinutes: number, counted?: RowTimes): number {
    if (!Number.isNaN(offsetMinutes)) return wallMs - offsetMinutes * MINUTE_MS
    const { utcMs, kind } = this.clock.resolveWall(wallMs)
    if (counted && kind === 'gap') counted.gap = true
    if (counted && kind === 'overlap') counted.ambiguous = true
    return utcMs
  }

  private checkRange(slot: DateSlot, ms: number, line: number, what: string): Reject | undefined {
    if (ms < this.floorMs) {
      return makeReject(
        line,
        slot.column,
        this.shown(slot),
        'date.before-floor',
        `${what} ${this.shown(slot)} is before ${this.floorDay}`,
      )
    }
    if (ms > this.now) {
      return makeReject(
        line,
        slot.column,
        this.shown(slot),
        'date.future',
        `${what} ${this.shown(slot)} is in the future`,
      )
    }
    return undefined
  }

  private shown(slot: DateSlot): string {
    return slot.value || formatWall(slot.start)
  }
}
