import { fc, it as prop } from '@fast-check/vitest'
import { Temporal } from 'temporal-polyfill'
import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, zoneClock } from '../../src/time/index.js'

/** A wall-clock time written as if it were UTC. */
const wall = (iso: string) => Date.parse(`${iso}Z`)

describe('zoneClock', () => {
  const newYork = zoneClock('America/New_York')

  it('moves a time in the spring-forward gap forward by the gap', () => {
    expect(newYork.resolveWall(wall('2021-03-14T02:30'))).toEqual({
      utcMs: Date.parse('2021-03-14T03:30:00-04:00'),
      kind: 'gap',
    })
  })

  it('takes the earlier instant of a time in the fall-back overlap', () => {
    expect(newYork.resolveWall(wall('2021-11-07T01:30'))).toEqual({
      utcMs: Date.parse('2021-11-07T01:30:00-04:00'),
      kind: 'overlap',
    })
    expect(newYork.resolveWall(wall('2021-11-07T02:00'))).toEqual({
      utcMs: Date.parse('2021-11-07T02:00:00-05:00'),
      kind: 'normal',
    })
  })

  it('resolves a transition inside an hour (Lord Howe moves 30 minutes)', () => {
    const lordHowe = zoneClock('Australia/Lord_Howe')
    expect(lordHowe.resolveWall(wall('2023-10-01T02:15'))).toEqual({
      utcMs: Date.parse('2023-10-01T02:45:00+11:00'),
      kind: 'gap',
    })
    expect(lordHowe.resolveWall(wall('2023-10-01T01:45'))).toEqual({
      utcMs: Date.parse('2023-10-01T01:45:00+10:30'),
      kind: 'normal',
    })
  })

  it('starts a local day at local midnight, 23 or 25 hours from the next on transition days', () => {
    const springDay = newYork.startOfLocalDay(Date.parse('2021-03-14T12:00:00-04:00'))
    expect(springDay).toBe(Date.parse('2021-03-14T00:00:00-05:00'))
    const next = newYork.startOfLocalDay(springDay + DAY_MS)
    expect(next - springDay).toBe(23 * HOUR_MS)
  })

  it('throws a RangeError with a remedy for an unknown zone', () => {
    expect(() => zoneClock('Mars/Olympus')).toThrow(RangeError)
    expect(() => zoneClock('Mars/Olympus')).toThrow(/IANA name/)
  })

  const zones = ['America/New_York', 'America/Vancouver', 'Europe/London', 'Australia/Lord_Howe']
  const instants = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) })

  // Temporal (the TC39 proposal's polyfill) is the oracle: it is independent of the Intl-offset cache
  prop.prop([fc.constantFrom(...zones), instants], { seed: 20260524, numRuns: 400 })(
    'maps the local time of any instant back to that instant, or to the earlier one in an overlap',
    (zone, instant) => {
      const clock = zoneClock(zone)
      const local = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(zone)
      const wallMs = wall(local.toPlainDateTime().toString().slice(0, 23))
      expect(clock.toLocalMs(instant)).toBe(wallMs)
      const { utcMs, kind } = clock.resolveWall(wallMs)
      if (kind === 'overlap') {
        expect(utcMs).toBeLessThanOrEqual(instant)
        expect(
          Temporal.Instant.fromEpochMilliseconds(utcMs).toZonedDateTimeISO(zone).toPlainDateTime(),
        ).toEqual(local.toPlainDateTime())
      } else {
        expect(kind).toBe('normal')
        expect(utcMs).toBe(instant)
      }
    },
  )

  prop.prop([fc.constantFrom(...zones), instants], { seed: 20260525, numRuns: 400 })(
    'resolves any wall time as Temporal does with disambiguation "compatible"',
    (zone, wallMs) => {
      const plain = Temporal.PlainDateTime.from(new Date(wallMs).toISOString().slice(0, 23))
      const expected = plain.toZonedDateTime(zone, { disambiguation: 'compatible' })
      expect(zoneClock(zone).toUtcMs(wallMs)).toBe(expected.epochMilliseconds)
    },
  )
})
