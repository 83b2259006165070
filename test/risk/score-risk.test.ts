import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../src/routing/index.js'
import {
  HOUR_OF_WEEK,
  NO_BUCKETS,
  THREE_SHIFTS,
  bucketIndexAt,
  bucketWindow,
} from '../../src/risk/buckets.js'
import { expectedByBucket } from '../../src/risk/expected-by-bucket.js'
import { forecastEachBucket, forecastFractions, forecastWindow } from '../../src/risk/forecast.js'
import { RiskModel } from '../../src/risk/risk-model.js'
import { scoreRisk } from '../../src/risk/score-risk.js'
import { resolveScorerParams, type ScorerParams } from '../../src/risk/scorer-params.js'
import type { RiskIncident } from '../../src/risk/types.js'
import { DAY, T0, TZ, crime, lineStreet, randomIncidents } from './fixtures.js'

const segments = lineStreet([100, 40, 250, 80, 120, 60, 300, 90, 30, 150])
const asOfMs = T0 + 420 * DAY

function expectedAt(
  incidents: ReadonlyArray<RiskIncident>,
  params: Partial<ScorerParams>,
  windowStart = asOfMs,
  windowEnd = asOfMs + DAY,
): Float64Array {
  const model = new RiskModel(segments, resolveScorerParams(params), {
    timeZone: TZ,
    historyStartMs: T0,
  })
  model.addIncidents(incidents)
  model.advanceTo(asOfMs)
  return forecastWindow(model, windowStart, windowEnd).expected
}

const PARAM_SETS: Partial<ScorerParams>[] = [
  {},
  { buckets: NO_BUCKETS, nearRepeatWeight: 0 },
  { buckets: HOUR_OF_WEEK, borrowByCategory: { '220': 2, '240': 1 }, nearRepeatWeight: 0.3 },
  { profileStrength: 0, longTauDays: 90, borrowDefault: 0.5 },
]

describe('scoreRisk', () => {
  it('never gives a negative score', () => {
    const incidents = randomIncidents(1, segments.length, 300)
    for (const params of PARAM_SETS) {
      const ranking = scoreRisk({ segments, incidents }, { asOfMs, timeZone: TZ, params })
      for (const s of ranking.segments) {
        expect(s.expectedPerKm).toBeGreaterThanOrEqual(0)
        expect(Number.isFinite(s.expectedPerKm)).toBe(true)
      }
    }
  })

  it('never lowers a segment when an incident is added to it (in its bucket and over the day)', () => {
    const random = mulberry32(2)
    const incidents = randomIncidents(3, segments.length, 200)
    for (const params of PARAM_SETS) {
      for (let k = 0; k < 20; k++) {
        const u = Math.floor(random() * segments.length)
        const at = T0 + 5 * DAY + random() * 400 * DAY
        const extra = crime(u, at, random() < 0.5 ? '220' : '23F')
        const model = new RiskModel(segments, resolveScorerParams(params), { timeZone: TZ })
        // the next occurrence of the crime's own bucket
        const bucket = bucketIndexAt(model.layout, model.clock, at)
        const { startMs, endMs } = bucketWindow(model.layout, model.clock, bucket, asOfMs)
        const before = expectedAt(incidents, params, startMs, endMs)
        const after = expectedAt([...incidents, extra], params, startMs, endMs)
        expect(after[u]).toBeGreaterThanOrEqual(before[u] * (1 - 1e-12))
        const dayBefore = expectedAt(incidents, { ...params, buckets: NO_BUCKETS })
        const dayAfter = expectedAt([...incidents, extra], { ...params, buckets: NO_BUCKETS })
        expect(dayAfter[u]).toBeGreaterThan(dayBefore[u])
      }
    }
  })

  it('does not depend on row order or on upload batching', () => {
    const incidents = randomIncidents(4, segments.length, 300)
    const random = mulberry32(5)
    const shuffled = incidents
      .map((i) => ({ i, key: random() }))
      .sort((a, b) => a.key - b.key)
      .map(({ i }) => i)
    for (const params of PARAM_SETS) {
      const once = expectedAt(incidents, params)
      const model = new RiskModel(segments, resolveScorerParams(params), {
        timeZone: TZ,
        historyStartMs: T0,
      })
      // three uploads, the model advancing in between as the back-test does
      model.addIncidents(shuffled.slice(0, 100))
      model.advanceTo(T0 + 200 * DAY)
      model.addIncidents(shuffled.slice(100, 250))
      model.advanceTo(T0 + 300 * DAY)
      model.addIncidents(shuffled.slice(250))
      model.advanceTo(asOfMs)
      const batched = forecastWindow(model, asOfMs, asOfMs + DAY).expected
      once.forEach((v, u) => expect(batched[u]).toBeCloseTo(v, 12))
    }
  })

  it('counts only incidents reported by the forecast time', () => {
    const base = [crime(2, T0 + 10 * DAY), crime(3, T0 + 20 * DAY)]
    const late = crime(5, asOfMs - 2 * DAY, '23F', { reportedAtMs: asOfMs + 1 })
    const without = expectedAt(base, {})
    const withLate = expectedAt([...base, late], {})
    expect(Array.from(withLate)).toEqual(Array.from(without))
    const early = crime(5, asOfMs - 2 * DAY, '23F', { reportedAtMs: asOfMs })
    expect(expectedAt([...base, early], {})[5]).toBeGreaterThan(0)
  })

  it('leaves enforcement-driven offences out unless asked', () => {
    const drugs = crime(4, T0 + 100 * DAY, '35A', { enforcement: true, crimeAgainst: 'society' })
    expect(expectedAt([drugs], {})[4]).toBe(0)
    expect(expectedAt([drugs], { includeEnforcement: true })[4]).toBeGreaterThan(0)
  })

  it('calibrates to crimes per day: one crime a day for three years forecasts about one a day', () => {
    const daily = Array.from({ length: 3 * 365 }, (_, d) =>
      crime(0, asOfMs - (d + 1) * DAY + 12 * 3_600_000),
    )
    const model = new RiskModel(
      segments,
      resolveScorerParams({ buckets: NO_BUCKETS, nearRepeatWeight: 0 }),
      {
        timeZone: TZ,
      },
    )
    model.addIncidents(daily)
    model.advanceTo(asOfMs)
    const forecast = forecastWindow(model, asOfMs, asOfMs + DAY)
    expect(forecast.expected[0]).toBeGreaterThan(0.97)
    expect(forecast.expected[0]).toBeLessThan(1.03)
    expect(forecast.total).toBeCloseTo(forecast.expected[0], 12)
  })

  it('explains each segment with terms that add up to its score', () => {
    const incidents = randomIncidents(6, segments.length, 300).filter(
      (i) => i.occurredFromMs < asOfMs - DAY,
    )
    const ranking = scoreRisk(
      { segments, incidents },
      {
        asOfMs,
        timeZone: TZ,
        bucket: 'shift:1',
        params: { borrowByCategory: { '220': 2 }, nearRepeatWeight: 0.2 },
      },
    )
    expect(ranking.bucket).toBe('shift:1')
    expect(ranking.segments.map((s) => s.rank)).toEqual(segments.map((_, r) => r + 1))
    for (const s of ranking.segments) {
      const { longTerm, borrowed, nearRepeat, residentReports } = s.explanation.terms
      expect(longTerm + borrowed + nearRepeat + residentReports).toBeCloseTo(s.expectedPerKm, 9)
      const counted = s.explanation.crimes.reduce(
        (n, c) => n + c.last30Days + c.last365Days + c.older,
        0,
      )
      const onSegment = incidents.filter(
        (i) => i.segmentIndex === s.segmentIndex && !i.enforcement,
      ).length
      expect(counted).toBe(onSegment)
    }
    expect(ranking.segments[0].percentile).toBeCloseTo(90, 9)
  })

  it('returns only included segments, up to the limit, with network-wide ranks', () => {
    const incidents = randomIncidents(7, segments.length, 200)
    const all = scoreRisk({ segments, incidents }, { asOfMs, timeZone: TZ })
    const odd = scoreRisk(
      { segments, incidents },
      { asOfMs, timeZone: TZ, include: (s) => s.index % 2 === 1, limit: 3 },
    )
    expect(odd.segments).toHaveLength(3)
    expect(odd.segments.map((s) => s.rank)).toEqual(
      all.segments
        .filter((s) => s.segmentIndex % 2 === 1)
        .slice(0, 3)
        .map((s) => s.rank),
    )
  })

  it('splits the day total between the shifts for scheduling', () => {
    const incidents = randomIncidents(8, segments.length, 300)
    const model = new RiskModel(segments, resolveScorerParams({ buckets: THREE_SHIFTS }), {
      timeZone: TZ,
    })
    model.addIncidents(incidents)
    model.advanceTo(asOfMs)
    const shifts = expectedByBucket(model)
    expect(shifts.map((s) => s.bucket)).toEqual(['shift:0', 'shift:1', 'shift:2'])
    const day = forecastWindow(model, asOfMs, asOfMs + DAY).total
    expect(shifts.reduce((sum, s) => sum + s.expected, 0)).toBeCloseTo(day, 9)
  })

  it('never explains a share above 100 %, even for a 25-hour day', () => {
    const incidents = randomIncidents(8, segments.length, 300)
    // asOf inside the 2024 fall-back day in the fixtures' zone: the 'all' bucket lasts 25 hours
    const fallBack = Date.parse('2024-11-03T12:00:00Z')
    const ranking = scoreRisk(
      { segments, incidents },
      { asOfMs: fallBack, timeZone: TZ, params: { buckets: NO_BUCKETS } },
    )
    expect((ranking.endMs - ranking.startMs) / 3_600_000).toBe(25)
    for (const s of ranking.segments) {
      expect(s.explanation.bucketShare).toBeCloseTo(1, 9)
      expect(s.explanation.networkBucketShare).toBeCloseTo(1, 9)
    }
  })

  it('refuses a bucket from another scheme', () => {
    expect(() =>
      scoreRisk({ segments, incidents: [] }, { asOfMs, timeZone: TZ, bucket: 'how:3' }),
    ).toThrow(/shift:0…shift:2/)
  })
})

describe('resident reports layer', () => {
  const reportParams: Partial<ScorerParams> = {
    buckets: NO_BUCKETS,
    reports: { 'broken-streetlight': { weight: 0.5, cap: 0.2 } },
  }
  const incidents = [crime(1, T0 + 300 * DAY), crime(1, T0 + 350 * DAY)]
  const reports = Array.from({ length: 30 }, (_, k) => ({
    segmentIndex: k % 2 === 0 ? 3 : 1,
    reportedAtMs: asOfMs - (k + 1) * DAY,
    type: 'broken-streetlight',
  }))

  it('is off by default', () => {
    const ranking = scoreRisk(
      { segments, incidents, reports },
      { asOfMs, timeZone: TZ, params: { buckets: NO_BUCKETS } },
    )
    for (const s of ranking.segments) expect(s.explanation.residentReportsShare).toBe(0)
  })

  it('never lifts a segment without crimes, and is capped by the crime term', () => {
    const ranking = scoreRisk(
      { segments, incidents, reports },
      { asOfMs, timeZone: TZ, params: reportParams },
    )
    const byIndex = new Map(ranking.segments.map((s) => [s.segmentIndex, s]))
    expect(byIndex.get(3)?.expectedPerKm).toBe(0)
    const withReports = byIndex.get(1)
    const terms = withReports?.explanation.terms
    expect(terms?.residentReports).toBeGreaterThan(0)
    expect(terms?.residentReports).toBeLessThanOrEqual(
      (terms?.longTerm ?? 0) + (terms?.borrowed ?? 0) + (terms?.nearRepeat ?? 0) + 1e-12,
    )
    expect(withReports?.explanation.residentReportsShare).toBeGreaterThan(0)
    expect(withReports?.explanation.residentReportsShare).toBeLessThanOrEqual(0.5)
  })

  it('refuses a reportsMaxRatio outside [0, 1], which would let reports outweigh the crime term', () => {
    for (const bad of [1.5, 2, -0.1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => resolveScorerParams({ ...reportParams, reportsMaxRatio: bad })).toThrow(
        new RegExp(
          `reportsMaxRatio must be between 0 and 1 \\(reports never outweigh crimes\\), got ${bad}`,
        ),
      )
    expect(() =>
      scoreRisk(
        { segments, incidents, reports },
        { asOfMs, timeZone: TZ, params: { ...reportParams, reportsMaxRatio: 3 } },
      ),
    ).toThrow(/reportsMaxRatio must be between 0 and 1/)
    for (const ok of [0, 0.5, 1])
      expect(resolveScorerParams({ reportsMaxRatio: ok }).reportsMaxRatio).toBe(ok)
  })
})

describe('forecastEachBucket', () => {
  it('equals forecastFractions bucket by bucket for every parameter set', () => {
    const incidents = randomIncidents(7, segments.length, 400)
    for (const params of PARAM_SETS) {
      const model = new RiskModel(segments, resolveScorerParams(params), {
        timeZone: TZ,
        historyStartMs: T0,
      })
      model.addIncidents(incidents)
      model.advanceTo(asOfMs)
      const all = forecastEachBucket(model)
      const count = model.layout.count
      for (let b = 0; b < count; b++) {
        const fractions = new Float64Array(count)
        fractions[b] = 1
        const one = forecastFractions(model, fractions)
        expect(all.totals[b]).toBeCloseTo(one.total, 9)
        for (let u = 0; u < segments.length; u++) {
          expect(all.expected[b * segments.length + u]).toBeCloseTo(one.expected[u], 6)
        }
      }
    }
  })
})
