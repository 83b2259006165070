import { DAY_MS, HOUR_MS, MINUTE_MS, daysInMonth, isValidDate, wallDayMs } from './civil-date.js'
import {
  parseDateTimeWall,
  parseDateWall,
  parseExcelSerialWall,
  parseMonthWall,
  parseTimeMs,
} from './date-parse.js'
import type { DateTimeColumns } from './types.js'

/**
 * Reads a row's date columns into a wall-time window [start, end]: equal for an exact time, the
 * whole day for a date without time, the whole month for 'YYYY-MM'.
 */
export interface DateSlot {
  start: number
  end: number
  /** Minutes east of UTC when the value carried an offset; NaN for naive local times. */
  offsetMinutes: number
  /** Column and text read ('' for separate part columns), for rejects. */
  column: string
  value: string
}

/** 'missing': the date column is empty; 'invalid': it does not parse or does not exist. */
export type DateStatus = 'ok' | 'missing' | 'invalid'

/** Reads one row's date columns into the slot it is given. */
export type DateReader = (fields: readonly string[], slot: DateSlot) => DateStatus

type Cell = (fields: readonly string[], index: number) => string | undefined

/** Creates an empty slot to be reused row after row. */
export function createDateSlot(): DateSlot {
  return { start: NaN, end: NaN, offsetMinutes: NaN, column: '', value: '' }
}

/** Human description of the expected format, for reject messages. */
export function describeFormat(spec: DateTimeColumns): string {
  if (spec.kind === 'month') return 'YYYY-MM'
  if (spec.kind === 'parts') return 'whole numbers in the year/month/day/hour/minute columns'
  const date = { mdy: 'M/D/YYYY', dmy: 'D/M/YYYY', ymd: 'YYYY-MM-DD' }[spec.order]
  return spec.time ? `${date} and a time such as 1730, 17:30 or 5:30 PM` : `${date} [time]`
}

/** Compiles a reader for resolved column indexes. `pivotYear` decides 2-digit years. */
export function compileDateReader(
  spec: DateTimeColumns,
  indexOf: (column: string) => number,
  cell: Cell,
  pivotYear: number,
): DateReader {
  if (spec.kind === 'month') {
    const at = indexOf(spec.column)
    return (fields, slot) => {
      const text = cell(fields, at)
      if (text === undefined) return 'missing'
      const start = parseMonthWall(text)
      if (Number.isNaN(start)) return invalid(slot, spec.column, text)
      return window(slot, start, start + daysInMonthOfWall(start) * DAY_MS, spec.column, text)
    }
  }
  if (spec.kind === 'parts') return compilePartsReader(spec, indexOf, cell)
  const dateAt = indexOf(spec.date)
  const timeAt = spec.time === undefined ? -1 : indexOf(spec.time)
  const { order } = spec
  const excel = spec.excelSerials === true
  return (fields, slot) => {
    const text = cell(fields, dateAt)
    if (text === undefined) return 'missing'
    if (excel && /^\d+(\.\d+)?$/.test(text)) {
      const wall = parseExcelSerialWall(text)
      if (Number.isNaN(wall)) return invalid(slot, spec.date, text)
      return window(slot, wall, text.includes('.') ? wall : wall + DAY_MS, spec.date, text)
    }
    if (timeAt === -1) {
      const parsed = parseDateTimeWall(text, order, pivotYear)
      if (Number.isNaN(parsed.wallMs)) return invalid(slot, spec.date, text)
      const end = parsed.hasTime ? parsed.wallMs : parsed.wallMs + DAY_MS
      window(slot, parsed.wallMs, end, spec.date, text)
      slot.offsetMinutes = parsed.offsetMinutes
      return 'ok'
    }
    const day = parseDateWall(text, order, pivotYear)
    if (Number.isNaN(day)) return invalid(slot, spec.date, text)
    const time = cell(fields, timeAt)
    if (time === undefined) return window(slot, day, day + DAY_MS, spec.date, text)
    const ms = parseTimeMs(time)
    if (Number.isNaN(ms)) return invalid(slot, spec.time!, time)
    return window(slot, day + ms, day + ms, spec.date, `${text} ${time}`)
  }
}

function compilePartsReader(
  spec: Extract<DateTimeColumns, { kind: 'parts' }>,
  indexOf: (column: string) => number,
  cell: Cell,
): DateReader {
  const yearAt = indexOf(spec.year)
  const monthAt = indexOf(spec.month)
  const dayAt = spec.day === undefined ? -1 : indexOf(spec.day)
  const hourAt = spec.hour === undefined ? -1 : indexOf(spec.hour)
  const minuteAt = spec.minute === undefined ? -1 : indexOf(spec.minute)
  return (fields, slot) => {
    const yearText = cell(fields, yearAt)
    const monthText = cell(fields, monthAt)
    if (yearText === undefined || monthText === undefined) return 'missing'
    const year = wholeNumber(yearText)
    const month = wholeNumber(monthText)
    if (!(year >= 0) || !(month >= 1 && month <= 12)) {
      return invalid(slot, spec.year, `${yearText}-${monthText}`)
    }
    const dayText = cell(fields, dayAt)
    if (dayText === undefined) {
      const start = wallDayMs(year, month, 1)
      return window(slot, start, start + daysInMonth(year, month) * DAY_MS, spec.year, '')
    }
    const day = wholeNumber(dayText)
    if (!isValidDate(year, month, day))
      return invalid(slot, spec.day!, `${year}-${month}-${dayText}`)
    const midnight = wallDayMs(year, month, day)
    const hourText = cell(fields, hourAt)
    if (hourText === undefined) return window(slot, midnight, midnight + DAY_MS, spec.year, '')
    const hour = wholeNumber(hourText)
    const minuteText = cell(fields, minuteAt)
    const minute = minuteText === undefined ? -1 : wholeNumber(minuteText)
    if (!(hour >= 0 && hour <= 23) || !(minute >= -1 && minute <= 59)) {
      return invalid(slot, spec.hour!, `${hourText}:${minuteText ?? ''}`)
    }
    const start = midnight + hour * HOUR_MS + Math.max(minute, 0) * MINUTE_MS
    return window(slot, start, minute === -1 ? start + HOUR_MS : start, spec.year, '')
  }
}

/** 1–4 ASCII digits → their value; NaN otherwise ('3.0', '-1', '12345'). */
function wholeNumber(text: string): number {
  if (text.length === 0 || text.length > 4) return NaN
  let value = 0
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return NaN
    value = value * 10 + digit
  }
  return value
}

function daysInMonthOfWall(wallMs: number): number {
  const date = new Date(wallMs)
  return daysInMonth(date.getUTCFullYear(), date.getUTCMonth() + 1)
}

function window(
  slot: DateSlot,
  start: number,
  end: number,
  column: string,
  value: string,
): DateStatus {
  slot.start = start
  slot.end = end
  slot.offsetMinutes = NaN
  slot.column = column
  slot.value = value
  return 'ok'
}

function invalid(slot: DateSlot, column: string, value: string): DateStatus {
  slot.column = column
  slot.value = value
  return 'invalid'
}
