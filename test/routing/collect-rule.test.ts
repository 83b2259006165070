import { describe, expect, it } from 'vitest'
import {
  collectedValue,
  forEachShare,
  hourlyBuckets,
  teleportBound,
} from '../../src/routing/collect-rule.js'

const H = 3_600_000
const MIN = 60_000

describe('the collection rule', () => {
  it('splits a dwell that straddles an hour boundary pro rata', () => {
    const shares: Array<[number, number]> = []
    forEachShare(hourlyBuckets(2), 3300, 4020, (k, share) => shares.push([k, share]))
    expect(shares).toEqual([
      [0, 300 / 720],
      [1, 420 / 720],
    ])
  })

  it('pays a place once per hour however many units dwell on it', () => {
    const rows = [[10], [20]]
    const twice = [
      { place: 0, arriveMs: 0, leaveMs: 12 * MIN },
      { place: 0, arriveMs: 30 * MIN, leaveMs: 42 * MIN },
    ]
    expect(collectedValue(twice, rows, 0, 2)).toBe(10)
    const nextHour = [twice[0], { place: 0, arriveMs: H, leaveMs: H + 12 * MIN }]
    expect(collectedValue(nextHour, rows, 0, 2)).toBe(30)
  })

  it('lets a later dwell collect what a straddling one left of an hour', () => {
    const rows = [[12], [24]]
    const dwells = [
      { place: 0, arriveMs: 54 * MIN, leaveMs: 66 * MIN },
      { place: 0, arriveMs: 90 * MIN, leaveMs: 102 * MIN },
    ]
    // the first takes half of each hour, the second the other half of hour 1
    expect(collectedValue(dwells, rows, 0, 2)).toBeCloseTo(6 + 12 + 12, 12)
  })

  it('bounds by the best prizes the dwell slots of each hour could take', () => {
    const rows = [
      [5, 4, 3, 2, 1],
      [1, 1, 9, 0, 0],
    ]
    // 1 unit × 60 / 25 min = 2.4 slots an hour: 5 + 4 + 0.4·3, then 9 + 1 + 0.4·1
    const bound = teleportBound(rows, hourlyBuckets(2), 1, 25 * 60, () => true)
    expect(bound).toBeCloseTo(5 + 4 + 1.2 + 9 + 1 + 0.4, 12)
    const withoutFirst = teleportBound(rows, hourlyBuckets(2), 1, 25 * 60, (p) => p !== 0)
    expect(withoutFirst).toBeCloseTo(4 + 3 + 0.8 + 9 + 1, 12)
  })

  it('gives a short last hour its share of slots', () => {
    const rows = [
      [3, 2, 1],
      [3, 2, 1],
    ]
    // half an hour of one unit at 15 min = 2 slots in the last bucket
    expect(teleportBound(rows, hourlyBuckets(1.5), 1, 15 * 60, () => true)).toBe(6 + 5)
  })
})
