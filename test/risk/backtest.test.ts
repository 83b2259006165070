import { describe, expect, it } from 'vitest'
import { aoristicDecay } from '../../src/risk/aoristic.js'
import { knownAtMs, knownOccurredToMs } from '../../src/risk/availability.js'
import { evaluateCoverages, fillOrder } from '../../src/risk/backtest/coverage.js'
import { periodsBetween } from '../../src/risk/backtest/periods.js'
import { runBacktest } from '../../src/risk/backtest/run-backtest.js'
import type { RiskIncident } from '../../src/risk/types.js'
import { DAY_MS, HOUR_MS } from '../../src/time/index.js'
import { TZ, crime, lineStreet, randomIncidents } from './fixtures.js'

describe('periodsBetween', () => {
  it('cuts March 2022 into 31 local days (one of 23 hours), 4 whole weeks and 93 shifts', () => {
    const days = periodsBetween('2022-03-01', '2022-03-31', TZ, 'day')
    expect(days).toHaveLength(31)
    expect((days[12].endMs - days[12].startMs) / HOUR_MS).toBe(23)
    expect(periodsBetween('2022-03-01', '2022-03-31', TZ, 'week')).toHaveLength(4)
    const shifts = periodsBetween('2022-03-01', '2022-03-31', TZ, 'shift')
    expect(shifts).toHaveLength(93)
    expect(new Date(shifts[0].startMs).toISOString()).toBe('2022-03-01T12:00:00.000Z')
    expect(shifts[0].bucket).toBe(0)
    expect(new Date(shifts[92].endMs).toISOString()).toBe('2022-04-01T11:00:00.000Z')
    for (let k = 1; k < shifts.length; k++) expect(shifts[k].startMs).toBe(shifts[k - 1].endMs)
  })

  it('refuses dates that are not calendar dates or run backwards', () => {
    expect(() => periodsBetween('2022-02-30', '2022-03-01', TZ, 'day')).toThrow(/YYYY-MM-DD/)
    expect(() => periodsBetween('2022-03-02', '2022-03-01', TZ, 'day')).toThrow(/before it starts/)
  })
})

describe('runBacktest', () => {
  const segments = lineStreet([100, 100, 100, 100])

  /** Scores 2022-03-10 to `to` day by day: the crimes, and hot streets' and the default's hit rates at 25 %. */
  function topQuarter(incidents: RiskIncident[], to: string) {
    const result = runBacktest(
      { segments, incidents },
      {
        from: '2022-03-10',
        to,
        timeZone: TZ,
        horizon: 'day',
        coverages: [25],
        methods: ['default', 'hot-streets'],
      },
    )
    return {
      crimes: result.crimes,
      hotStreets: result.methods['hot-streets'].hitRate['25'],
      default: result.methods['default'].hitRate['25'],
    }
  }

  it('never lets a forecast see crimes reported during its own period', () => {
    const day = Date.parse('2022-03-10T05:00:00Z')
    const incidents = [
      crime(0, day - 20 * DAY_MS),
      // reported at 01:30 and 20:30 of the scored day: both unknown at 00:00
      crime(1, day + HOUR_MS, '23F', { reportedAtMs: day + 1.5 * HOUR_MS }),
      crime(1, day + 20 * HOUR_MS),
    ]
    expect(topQuarter(incidents, '2022-03-10')).toEqual({ crimes: 2, hotStreets: 0, default: 0 })
  })

  it('never lets a forecast see a crime that starts, and becomes known, exactly at the period start', () => {
    const day = Date.parse('2022-03-10T05:00:00Z') // 2022-03-10 00:00 EST
    const incidents = [
      crime(0, day - 20 * DAY_MS),
      // no report date: known at the end of its (zero-length) window, 00:00 of the scored day
      crime(2, day, '23F', { reportedAtMs: null }),
      // reported at the very instant it occurred
      crime(3, day + DAY_MS, '23F', { reportedAtMs: day + DAY_MS }),
    ]
    expect(topQuarter(incidents, '2022-03-11')).toEqual({ crimes: 2, hotStreets: 0, default: 0 })
  })

  it('uses a date-only report of the day before, known at 00:00 of the scored day', () => {
    const day = Date.parse('2022-03-10T05:00:00Z') // 2022-03-10 00:00 EST
    const incidents = [
      crime(0, day - 20 * DAY_MS),
      // happened 14:00 the day before, report dated that day: the ingest reads it as 24:00 = day
      crime(2, day - 10 * HOUR_MS, '23F', { reportedAtMs: day }),
      crime(2, day + 20 * HOUR_MS),
    ]
    expect(topQuarter(incidents, '2022-03-10')).toEqual({
      crimes: 1,
      hotStreets: 100,
      default: 100,
    })
  })

  it('scores hot streets exactly as a direct day-by-day computation does', () => {
    const streets = lineStreet([100, 40, 250, 80, 120, 60, 300, 90, 30, 150])
    const incidents = randomIncidents(11, streets.length, 600, 500).filter((i) => !i.enforcement)
    const from = '2023-01-01'
    const to = '2023-03-31'
    const result = runBacktest(
      { segments: streets, incidents },
      { from, to, timeZone: TZ, horizon: 'day', methods: ['hot-streets'], coverages: [10, 30] },
    )
    const lengths = streets.map((s) => s.lengthM)
    const total = lengths.reduce((a, b) => a + b, 0)
    let captured = 0
    let crimes = 0
    for (const period of periodsBetween(from, to, TZ, 'day')) {
      const density = streets.map(
        (s, u) =>
          incidents
            .filter((i) => i.segmentIndex === u && knownAtMs(i) < period.startMs)
            .reduce(
              (sum, i) =>
                sum +
                aoristicDecay(i.occurredFromMs, knownOccurredToMs(i), period.startMs, 365 * DAY_MS),
              0,
            ) / s.lengthM,
      )
      const observed = streets.map(
        (_, u) =>
          incidents.filter(
            (i) =>
              i.segmentIndex === u &&
              i.occurredFromMs >= period.startMs &&
              i.occurredFromMs < period.endMs,
          ).length,
      )
      const order = fillOrder(density, observed, lengths)
      captured += evaluateCoverages(order, observed, lengths, total, [0.3]).captured[0]
      crimes += observed.reduce((a, b) => a + b, 0)
    }
    expect(result.crimes).toBe(crimes)
    expect(result.methods['hot-streets'].hitRate['30']).toBeCloseTo((100 * captured) / crimes, 9)
  })

  it('reports every method with PEI* at most 1 and a paired test against hot streets', () => {
    const streets = lineStreet([100, 40, 250, 80, 120, 60, 300, 90, 30, 150])
    const incidents = randomIncidents(12, streets.length, 600, 500)
    const result = runBacktest(
      { segments: streets, incidents },
      {
        from: '2023-01-01',
        to: '2023-02-28',
        timeZone: TZ,
        horizon: 'week',
        methods: ['default', 'promap-published', 'promap-tuned'],
        promapTuned: { bandwidthM: 200, tauDays: 60 },
      },
    )
    expect(Object.keys(result.methods).sort()).toEqual([
      'default',
      'hot-streets',
      'promap-published',
      'promap-tuned',
    ])
    expect(result.periods).toBe(8)
    for (const [name, metrics] of Object.entries(result.methods)) {
      for (const c of ['1', '5', '10', '20']) {
        expect(metrics.peiStar[c]).toBeLessThanOrEqual(1)
        expect(metrics.hitRate[c]).toBeGreaterThanOrEqual(0)
        expect(metrics.coveredPercent[c]).toBeLessThanOrEqual(Number(c))
      }
      expect(metrics.wilcoxon === undefined).toBe(name === 'hot-streets')
    }
    expect(result.crimes).toBeGreaterThan(0)
  })

  it('names the methods it knows when given an unknown one', () => {
    expect(() =>
      runBacktest(
        { segments, incidents: [] },
        { from: '2022-03-01', to: '2022-03-02', timeZone: TZ, horizon: 'day', methods: ['magic'] },
      ),
    ).toThrow(/Unknown back-test method "magic" - use one of default/)
  })
})
