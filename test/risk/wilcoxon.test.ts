import { describe, expect, it } from 'vitest'
import { normalUpperTail, wilcoxonSignedRank } from '../../src/risk/backtest/wilcoxon.js'

describe('wilcoxonSignedRank', () => {
  it('matches a hand-computed case with a zero and a tie', () => {
    // d = x − y = 1.5, −0.5, 2, 0, 3, −1, 2, 4: the zero is dropped (n = 7);
    // |d| ranks 0.5→1, 1→2, 1.5→3, 2,2→4.5 each, 3→6, 4→7, so W⁺ = 3 + 4.5 + 4.5 + 6 + 7 = 25;
    // E = 7·8/4 = 14, Var = 7·8·15/24 − (2³ − 2)/48 = 34.875, z = (25 − 14 − 0.5)/√34.875
    const y = [10, 10, 10, 10, 10, 10, 10, 10]
    const x = [11.5, 9.5, 12, 10, 13, 9, 12, 14]
    const result = wilcoxonSignedRank(x, y)
    expect(result.n).toBe(7)
    expect(result.wPlus).toBe(25)
    expect(result.z).toBeCloseTo(10.5 / Math.sqrt(34.875), 10)
    expect(result.p).toBeCloseTo(0.0754036, 5)
    expect(result.meanDifference).toBeCloseTo(11 / 8, 12)
  })

  it('is symmetric: swapping the samples flips z and keeps p', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6]
    const y = [2, 7, 1, 8, 2, 8, 1, 8]
    const a = wilcoxonSignedRank(x, y)
    const b = wilcoxonSignedRank(y, x)
    expect(b.z).toBeCloseTo(-a.z, 12)
    expect(b.p).toBeCloseTo(a.p, 12)
  })

  it('returns p = 1 when every pair is equal', () => {
    expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 3])).toMatchObject({ n: 0, p: 1, z: 0 })
  })

  it('refuses samples of different lengths', () => {
    expect(() => wilcoxonSignedRank([1], [1, 2])).toThrow(/equal lengths/)
  })

  it('has standard normal tails', () => {
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6)
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7)
    expect(normalUpperTail(10) / 7.6198530241605e-24).toBeCloseTo(1, 5)
  })
})
