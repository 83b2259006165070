/**
 * Proleptic Gregorian calendar arithmetic on "wall milliseconds": a local date and time counted as
 * if it were UTC. Works for any year (0220 and 9999 included), unlike Date.UTC's 0–99 quirk.
 */

import { DAY_MS } from '../time/index.js'

export { DAY_MS, HOUR_MS, MINUTE_MS } from '../time/index.js'

/** Days since 1970-01-01 of a calendar date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** Gregorian leap year (every 4th, not every 100th, every 400th). */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]
}

/** True when the date exists (no 02/30, no month 13). */
export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  )
}

/** Wall milliseconds of local midnight on a date. */
export function wallDayMs(year: number, month: number, day: number): number {
  return daysFromCivil(year, month, day) * DAY_MS
}

/** Calendar fields of wall milliseconds, for messages and the time-zone slow path. */
export function civilFromWallMs(wallMs: number): {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  millisecond: number
} {
  const date = new Date(wallMs)
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  }
}

/** 'YYYY-MM-DD HH:MM' of wall milliseconds, for messages. */
export function formatWall(wallMs: number): string {
  const c = civilFromWallMs(wallMs)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)} ${pad(c.hour)}:${pad(c.minute)}`
}
