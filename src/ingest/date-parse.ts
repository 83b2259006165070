import { DAY_MS, HOUR_MS, MINUTE_MS, daysFromCivil, isValidDate, wallDayMs } from './civil-date.js'

/**
 * String → wall milliseconds (local date-time read as UTC; see civil-date.ts). Every parser
 * returns NaN for text that does not parse or names a date or time that does not exist.
 */

export type DateOrder = 'mdy' | 'dmy' | 'ymd'

const EXCEL_EPOCH_DAYS = daysFromCivil(1899, 12, 30) // serial 0 in Excel's 1900 system (leap-bug adjusted)
const SECOND_MS = 1000
const MERIDIEM = /^(.*?)\s*([AaPp])\.?[Mm]\.?$/

/**
 * A calendar date: 'YYYY-MM-DD' (also '/' or '.'), or with `order` 'M/D/YY', 'M/D/YYYY',
 * 'D/M/YYYY'. A 4-digit first part always means year-first. Two-digit years are 20YY unless that
 * is after `pivotYear`, then 19YY.
 */
export function parseDateWall(text: string, order: DateOrder, pivotYear: number): number {
  const parts = splitDigits(text)
  if (parts === undefined || parts.count !== 3) return NaN
  let year: number
  let month: number
  let day: number
  let yearDigits: number
  if (parts.digits[0] === 4 || order === 'ymd') {
    ;[year, month, day] = parts.values
    yearDigits = parts.digits[0]
  } else if (order === 'mdy') {
    ;[month, day, year] = parts.values
    yearDigits = parts.digits[2]
  } else {
    ;[day, month, year] = parts.values
    yearDigits = parts.digits[2]
  }
  if (yearDigits === 2) year = 2000 + year > pivotYear ? 1900 + year : 2000 + year
  else if (yearDigits !== 4) return NaN
  return isValidDate(year, month, day) ? wallDayMs(year, month, day) : NaN
}

/** 'YYYY-MM' → wall ms of the first of the month. */
export function parseMonthWall(text: string): number {
  const parts = splitDigits(text)
  if (parts === undefined || parts.count !== 2 || parts.digits[0] !== 4) return NaN
  const [year, month] = parts.values
  return month >= 1 && month <= 12 ? wallDayMs(year, month, 1) : NaN
}

/** Excel serial day number (with optional fraction of a day) → wall ms. */
export function parseExcelSerialWall(text: string): number {
  if (!/^\d{1,6}(\.\d+)?$/.test(text)) return NaN
  const serial = Number(text)
  if (serial < 1) return NaN
  return Math.round(((EXCEL_EPOCH_DAYS + serial) * DAY_MS) / SECOND_MS) * SECOND_MS
}

/**
 * Time of day → milliseconds after midnight: 'HHMM' or 'HMM' (0020, 2359), 'H:MM', 'HH:MM:SS',
 * '.fff' fractions, and 12-hour 'h:mm[:ss] AM/PM' (12:00 AM is midnight). '24:00' is accepted as the
 * end of the day (ISO 8601), giving 86 400 000.
 */
export function parseTimeMs(text: string): number {
  let body = text
  let meridiem = 0 // 1 = AM, 2 = PM
  const last = text.charCodeAt(text.length - 1) | 32
  if (last === 109 || last === 46) {
    const match = MERIDIEM.exec(text)
    if (!match) return NaN
    body = match[1]
    meridiem = (match[2].charCodeAt(0) | 32) === 97 ? 1 : 2
  }
  let hour: number
  let minute: number
  let secondMs = 0
  if (body.indexOf(':') === -1) {
    if (!/^\d{3,4}$/.test(body)) return NaN
    const n = Number(body)
    hour = Math.floor(n / 100)
    minute = n % 100
  } else {
    const match = /^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?$/.exec(body)
    if (!match) return NaN
    hour = Number(match[1])
    minute = Number(match[2])
    secondMs =
      (match[3] ? Number(match[3]) * SECOND_MS : 0) +
      (match[4] ? Math.round(Number(match[4]) * SECOND_MS) : 0)
  }
  if (meridiem !== 0) {
    if (hour < 1 || hour > 12) return NaN
    hour = (hour % 12) + (meridiem === 2 ? 12 : 0)
  }
  if (minute > 59 || secondMs >= 60 * SECOND_MS) return NaN
  if (hour === 24 && minute === 0 && secondMs === 0) return DAY_MS
  if (hour > 23) return NaN
  return hour * HOUR_MS + minute * MINUTE_MS + secondMs
}

/** A parsed date-time: wall ms, whether a time was present, and an explicit UTC offset if any. */
export interface ParsedDateTime {
  readonly wallMs: number
  readonly hasTime: boolean
  /** Minutes east of UTC from a 'Z' or '±hh:mm' suffix; NaN for a naive local time. */
  readonly offsetMinutes: number
}

const NO_DATE_TIME: ParsedDateTime = { wallMs: NaN, hasTime: false, offsetMinutes: NaN }

/**
 * A date with an optional time in one value, separated by a space or 'T':
 * '07/29/2022 03:39:00 AM', '2023-08-31 12:00:00', '2021-03-14T02:30:00-05:00'.
 */
export function parseDateTimeWall(
  text: string,
  order: DateOrder,
  pivotYear: number,
): ParsedDateTime {
  const split = text.search(/[ T]/)
  if (split === -1) {
    const wallMs = parseDateWall(text, order, pivotYear)
    return Number.isNaN(wallMs) ? NO_DATE_TIME : { wallMs, hasTime: false, offsetMinutes: NaN }
  }
  const day = parseDateWall(text.slice(0, split), order, pivotYear)
  let time = text.slice(split + 1).trim()
  let offsetMinutes = NaN
  const zone = /(Z|[+-]\d{2}:?\d{2})$/.exec(time)
  if (zone && time.indexOf(':') !== -1) {
    offsetMinutes = zone[1] === 'Z' ? 0 : parseOffset(zone[1])
    time = time.slice(0, zone.index)
  }
  const timeMs = parseTimeMs(time)
  if (Number.isNaN(day) || Number.isNaN(timeMs)) return NO_DATE_TIME
  return { wallMs: day + timeMs, hasTime: true, offsetMinutes }
}

function parseOffset(text: string): number {
  const sign = text[0] === '-' ? -1 : 1
  const digits = text.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))
}

interface DigitGroups {
  readonly values: number[]
  readonly digits: number[]
  readonly count: number
}

/** Digit groups separated by one of - / . (at most 3); undefined for anything else. */
function splitDigits(text: string): DigitGroups | undefined {
  const values = [0, 0, 0]
  const digits = [0, 0, 0]
  let count = 0
  let separator = -1
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      values[count] = values[count] * 10 + (c - 48)
      digits[count]++
      if (digits[count] > 4) return undefined
    } else if ((c === 45 || c === 47 || c === 46) && digits[count] > 0) {
      // one separator style per date: 2021-03/04 is not a date
      if (separator !== -1 && c !== separator) return undefined
      separator = c
      count++
      if (count >= values.length) return undefined
    } else {
      return undefined
    }
  }
  if (digits[count] === 0) return undefined
  return { values, digits, count: count + 1 }
}
