import { describe, expect, it } from 'vitest'
import { aoristicBucketWeights, aoristicDecay } from '../../src/risk/aoristic.js'
import {
  HOUR_OF_WEEK,
  THREE_SHIFTS,
  bucketIndexAt,
  bucketIndexOf,
  bucketLayout,
  bucketWindow,
  forEachBucketPiece,
} from '../../src/risk/buckets.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, zoneClock } from '../../src/time/index.js'
import { mulberry32 } from '../../src/routing/index.js'

const NY = zoneClock('America/New_York')
const iso = (s: string) => Date.parse(s)

describe('zoneClock', () => {
  it('reads New York offsets on both sides of the 2022 DST changes', () => {
    expect(NY.offsetMs(iso('2022-03-13T06:59:00Z')) / HOUR_MS).toBe(-5)
    expect(NY.offsetMs(iso('2022-03-13T07:00:00Z')) / HOUR_MS).toBe(-4)
    expect(NY.offsetMs(iso('2022-11-06T05:59:00Z')) / HOUR_MS).toBe(-4)
    expect(NY.offsetMs(iso('2022-11-06T06:00:00Z')) / HOUR_MS).toBe(-5)
  })

  it('moves a wall time in the spring gap forward and takes the earlier instant in the fall overlap', () => {
    expect(new Date(NY.toUtcMs(iso('2022-03-13T02:30:00Z'))).toISOString()).toBe(
      '2022-03-13T07:30:00.000Z',
    )
    expect(new Date(NY.toUtcMs(iso('2022-11-06T01:30:00Z'))).toISOString()).toBe(
      '2022-11-06T05:30:00.000Z',
    )
  })

  it('finds local midnight on DST days', () => {
    expect(new Date(NY.startOfLocalDay(iso('2022-03-13T20:00:00Z'))).toISOString()).toBe(
      '2022-03-13T05:00:00.000Z',
    )
    expect(new Date(NY.startOfLocalDay(iso('2022-11-07T01:00:00Z'))).toISOString()).toBe(
      '2022-11-06T04:00:00.000Z',
    )
  })

  it('rejects an unknown zone with a remedy', () => {
    expect(() => zoneClock('Mars/Olympus')).toThrow(/IANA name/)
  })
})

describe('buckets', () => {
  it('names shift and hour-of-week buckets as documented', () => {
    const shifts = bucketLayout(THREE_SHIFTS)
    expect(shifts.ids).toEqual(['shift:0', 'shift:1', 'shift:2'])
    expect(shifts.hours).toEqual([8, 8, 8])
    expect(bucketIndexAt(shifts, NY, iso('2022-06-01T11:00:00Z'))).toBe(0) // 07:00 EDT
    expect(bucketIndexAt(shifts, NY, iso('2022-06-01T10:59:00Z'))).toBe(2) // 06:59 EDT
    expect(bucketIndexAt(shifts, NY, iso('2022-06-02T03:30:00Z'))).toBe(2) // 23:30 EDT
    const how = bucketLayout(HOUR_OF_WEEK)
    expect(bucketIndexAt(how, NY, iso('2022-06-06T04:00:00Z'))).toBe(0) // Monday 00:00 EDT
    expect(bucketIndexAt(how, NY, iso('2022-06-06T03:59:00Z'))).toBe(167) // Sunday 23:59 EDT
    expect(bucketIndexOf(how, 'how:37')).toBe(37)
    expect(() => bucketIndexOf(how, 'shift:1')).toThrow(/how:0…how:167/)
  })

  it('puts every minute of the DST days in exactly one bucket, and the pieces add up', () => {
    for (const scheme of [THREE_SHIFTS, HOUR_OF_WEEK]) {
      const layout = bucketLayout(scheme)
      for (const day of ['2022-03-13', '2022-11-06']) {
        const start = NY.startOfLocalDay(iso(`${day}T12:00:00Z`))
        const end = start + 2 * DAY_MS
        const perBucket = new Float64Array(layout.count)
        forEachBucketPiece(layout, NY, start, end, (b, ms) => (perBucket[b] += ms))
        const byMinute = new Float64Array(layout.count)
        for (let t = start; t < end; t += MINUTE_MS) {
          const b = bucketIndexAt(layout, NY, t)
          expect(b).toBeGreaterThanOrEqual(0)
          expect(b).toBeLessThan(layout.count)
          byMinute[b] += MINUTE_MS
        }
        expect(Array.from(perBucket)).toEqual(Array.from(byMinute))
      }
    }
  })

  it('gives the 23–07 shift 7 hours on the spring DST night and 9 on the fall one', () => {
    const layout = bucketLayout(THREE_SHIFTS)
    const spring = bucketWindow(layout, NY, 2, iso('2022-03-13T06:00:00Z'))
    const fall = bucketWindow(layout, NY, 2, iso('2022-11-06T06:00:00Z'))
    expect((spring.endMs - spring.startMs) / HOUR_MS).toBe(7)
    expect((fall.endMs - fall.startMs) / HOUR_MS).toBe(9)
  })

  it('returns the current occurrence of a bucket, or the next one', () => {
    const layout = bucketLayout(THREE_SHIFTS)
    const at = iso('2022-06-01T14:00:00Z') // 10:00 EDT, inside shift 0
    const current = bucketWindow(layout, NY, 0, at)
    expect(new Date(current.startMs).toISOString()).toBe('2022-06-01T11:00:00.000Z')
    const next = bucketWindow(layout, NY, 2, at)
    expect(new Date(next.startMs).toISOString()).toBe('2022-06-02T03:00:00.000Z')
    expect(new Date(next.endMs).toISOString()).toBe('2022-06-02T11:00:00.000Z')
  })
})

describe('aoristic weights', () => {
  it('sum to 1 for every window, DST days and multi-week windows included', () => {
    const random = mulberry32(7)
    for (const scheme of [THREE_SHIFTS, HOUR_OF_WEEK]) {
      const layout = bucketLayout(scheme)
      for (let k = 0; k < 300; k++) {
        const from = iso('2022-01-01T00:00:00Z') + random() * 330 * DAY_MS
        const to = from + (random() < 0.3 ? 0 : random() ** 3 * 40 * DAY_MS)
        const { weights, buckets } = aoristicBucketWeights(layout, NY, from, to)
        expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
        expect(new Set(buckets).size).toBe(buckets.length)
      }
    }
  })

  it('splits a 05:00–09:00 window 2:2 between the night and morning shifts', () => {
    const layout = bucketLayout(THREE_SHIFTS)
    const { buckets, weights } = aoristicBucketWeights(
      layout,
      NY,
      iso('2022-06-01T09:00:00Z'),
      iso('2022-06-01T13:00:00Z'),
    )
    expect(buckets).toEqual([0, 2])
    expect(weights).toEqual([0.5, 0.5])
  })

  it('decays a window by the mean of e^(−age/τ) over it', () => {
    const tau = 10 * DAY_MS
    const exact = aoristicDecay(0, 0, 10 * DAY_MS, tau)
    expect(exact).toBeCloseTo(Math.exp(-1), 12)
    // mean of e^{−(20−s)/10} for s in [0, 10] days = (e^{−1} − e^{−2})
    expect(aoristicDecay(0, 10 * DAY_MS, 20 * DAY_MS, tau)).toBeCloseTo(
      Math.exp(-1) - Math.exp(-2),
      12,
    )
  })
})
