import { describe, expect, it } from 'vitest'
import { zoneClock } from '../../src/time/index.js'
import {
  allocateUnits,
  explainAllocation,
  InvalidWeekError,
  isoWeekDays,
  isoWeeksInYear,
  shiftWindows,
  StaffingError,
} from '../../src/schedule/index.js'

const NY = zoneClock('America/New_York')

describe('isoWeekDays', () => {
  it('gives the Monday-to-Sunday local days of a week', () => {
    const days = isoWeekDays('2022-W10', NY)
    expect(days.map((d) => d.date)).toEqual([
      '2022-03-07',
      '2022-03-08',
      '2022-03-09',
      '2022-03-10',
      '2022-03-11',
      '2022-03-12',
      '2022-03-13',
    ])
    expect(new Date(days[0]!.startMs).toISOString()).toBe('2022-03-07T05:00:00.000Z')
    expect(isoWeekDays('2021-W01', NY)[0]!.date).toBe('2021-01-04')
    expect(isoWeekDays('2020-W53', NY)[6]!.date).toBe('2021-01-03')
  })

  it('refuses weeks that do not exist or are malformed', () => {
    expect(isoWeeksInYear(2022)).toBe(52)
    expect(isoWeeksInYear(2020)).toBe(53)
    expect(() => isoWeekDays('2022-W53', NY)).toThrow(
      new InvalidWeekError('2022-W53 does not exist: 2022 has 52 ISO weeks'),
    )
    expect(() => isoWeekDays('2022-W00', NY)).toThrow(InvalidWeekError)
    expect(() => isoWeekDays('2022-10', NY)).toThrow(/week must look like 2022-W10/)
  })
})

describe('shiftWindows', () => {
  it('cuts a day into 07–15, 15–23, 23–07 local, nine or seven hours across a daylight-saving change', () => {
    const [sunday] = isoWeekDays('2022-W10', NY).slice(6)
    const shifts = shiftWindows(sunday!, NY)
    expect(shifts.map((s) => [s.shift, new Date(s.startMs).toISOString(), s.hours])).toEqual([
      ['shift:0', '2022-03-13T11:00:00.000Z', 8],
      ['shift:1', '2022-03-13T19:00:00.000Z', 8],
      ['shift:2', '2022-03-14T03:00:00.000Z', 8],
    ])
    const saturday = isoWeekDays('2022-W10', NY)[5]!
    expect(shiftWindows(saturday, NY)[2]!.hours).toBe(7) // 23:00 Sat → 07:00 Sun across the spring-forward gap
    const fallBack = isoWeekDays('2022-W44', NY)[5]!
    expect(shiftWindows(fallBack, NY)[2]!.hours).toBe(9)
  })
})

describe('allocateUnits', () => {
  const limits = { unitsPerDay: 12, minPerShift: 2, maxPerShift: 6 }
  it('splits units in proportion to expected crime within the limits', () => {
    expect(allocateUnits([0.2, 0.41, 0.39], limits)).toEqual([2, 5, 5]) // ideal 2.4, 4.92, 4.68
    expect(allocateUnits([0.9, 0.05, 0.05], limits)).toEqual([6, 3, 3])
    expect(allocateUnits([0, 0, 0], limits)).toEqual([4, 4, 4])
    expect(
      allocateUnits([1, 2, 3], { unitsPerDay: 12, minPerShift: 0, maxPerShift: 12 }).reduce(
        (a, b) => a + b,
      ),
    ).toBe(12)
  })

  it('refuses limits that cannot hold, with a stable code', () => {
    const attempt = (l: typeof limits) => () => allocateUnits([1, 1, 1], l)
    expect(attempt({ ...limits, minPerShift: 7 })).toThrow(
      expect.objectContaining({ code: 'min-above-max' }),
    )
    expect(attempt({ unitsPerDay: 5, minPerShift: 2, maxPerShift: 6 })).toThrow(
      expect.objectContaining({ code: 'minimum-exceeds-units' }),
    )
    expect(attempt({ unitsPerDay: 12, minPerShift: 0, maxPerShift: 3 })).toThrow(StaffingError)
  })

  it('explains an allocation in one line', () => {
    expect(explainAllocation('shift 3 (23–07)', 5, 12, 0.41, limits)).toBe(
      'shift 3 (23–07) gets 5 of 12 units: 41 % of expected crime',
    )
    expect(explainAllocation('shift 1', 2, 12, 0.05, limits)).toBe(
      'shift 1 gets 2 of 12 units (the minimum): 5 % of expected crime',
    )
  })
})
