import { describe, expect, it } from 'vitest'
import { HOUR_MS } from '../../src/ingest/civil-date.js'
import {
  parseDateTimeWall,
  parseDateWall,
  parseExcelSerialWall,
  parseMonthWall,
  parseTimeMs,
} from '../../src/ingest/date-parse.js'

const wall = (iso: string) => Date.parse(`${iso}Z`)

describe('parseDateWall', () => {
  it.each([
    ['2019-01-01', 'ymd', '2019-01-01'],
    ['1/2/20', 'mdy', '2020-01-02'],
    ['12/31/2020', 'mdy', '2020-12-31'],
    ['7/10/89', 'mdy', '1989-07-10'],
    ['31/12/2020', 'dmy', '2020-12-31'],
    ['0220-11-01', 'mdy', '0220-11-01'],
    ['2024.02.29', 'dmy', '2024-02-29'],
  ] as const)('reads %s (%s) as %s', (text, order, iso) => {
    expect(parseDateWall(text, order, 2026)).toBe(Date.parse(`${iso}T00:00:00Z`))
  })

  it.each([
    ['02/30/2021', 'mdy'],
    ['13/01/2021', 'mdy'],
    ['2023-02-29', 'ymd'],
    ['1/2/202', 'mdy'],
    ['2021-03/04', 'ymd'],
    ['NA', 'mdy'],
    ['1/1/2021 10:00', 'mdy'],
  ] as const)('refuses %s (%s)', (text, order) => {
    expect(parseDateWall(text, order, 2026)).toBeNaN()
  })

  it('reads two-digit years as 20YY unless that is after the pivot year', () => {
    expect(parseDateWall('1/1/26', 'mdy', 2026)).toBe(wall('2026-01-01T00:00'))
    expect(parseDateWall('1/1/27', 'mdy', 2026)).toBe(wall('1927-01-01T00:00'))
  })
})

describe('parseTimeMs', () => {
  it.each([
    ['0020', '00:20'],
    ['1740', '17:40'],
    ['930', '09:30'],
    ['0:00', '00:00'],
    ['23:59:59', '23:59:59'],
    ['12:00 AM', '00:00'],
    ['12:30 PM', '12:30'],
    ['01:30:00 PM', '13:30'],
    ['5:30 p.m.', '17:30'],
    ['10:00:00.250', '10:00:00.250'],
  ])('reads %s as %s', (text, hhmm) => {
    expect(parseTimeMs(text)).toBe(Date.parse(`1970-01-01T${hhmm}Z`))
  })

  it('reads 24:00 and 2400 as the end of the day', () => {
    expect(parseTimeMs('24:00')).toBe(24 * HOUR_MS)
    expect(parseTimeMs('2400')).toBe(24 * HOUR_MS)
  })

  it.each(['2401', '24:01', '25:00', '18:75', '13:00 PM', '0:30 AM', 'T', '7', '12345', '', '1:2'])(
    'refuses %s',
    (text) => {
      expect(parseTimeMs(text)).toBeNaN()
    },
  )
})

describe('parseDateTimeWall, parseMonthWall, parseExcelSerialWall', () => {
  it('reads a Chicago timestamp with its 12-hour clock', () => {
    expect(parseDateTimeWall('07/29/2022 03:39:00 AM', 'mdy', 2026)).toEqual({
      wallMs: wall('2022-07-29T03:39:00'),
      hasTime: true,
      offsetMinutes: NaN,
    })
  })

  it('keeps an explicit offset instead of the zone', () => {
    const parsed = parseDateTimeWall('2021-03-14T02:30:00-05:00', 'ymd', 2026)
    expect(parsed.wallMs - parsed.offsetMinutes * 60_000).toBe(Date.parse('2021-03-14T07:30:00Z'))
  })

  it('reads a date without time as a whole day', () => {
    expect(parseDateTimeWall('5/19/2021', 'mdy', 2026)).toMatchObject({ hasTime: false })
  })

  it('reads YYYY-MM months and Excel serials', () => {
    expect(parseMonthWall('2024-03')).toBe(wall('2024-03-01T00:00'))
    expect(parseMonthWall('2024-13')).toBeNaN()
    expect(parseExcelSerialWall('45352')).toBe(wall('2024-03-01T00:00'))
    expect(parseExcelSerialWall('45352.75')).toBe(wall('2024-03-01T18:00'))
  })
})
