import { describe, expect, it } from 'vitest'
import { evaluateCoverages, fillOrder, oracleCaptured } from '../../src/risk/backtest/coverage.js'
import { summarizeMethod, type PeriodOutcomes } from '../../src/risk/backtest/summarize.js'

// five segments, 1,000 m in all; segments 0 and 1 tie on the forecast
const lengths = [100, 50, 200, 150, 500]
const density = [5, 5, 3, 2, 1]
const observed = [2, 0, 1, 3, 1]
const total = 1000

describe('hit rate at coverage', () => {
  it('breaks forecast ties pessimistically: the tied segment without crimes goes first', () => {
    expect(Array.from(fillOrder(density, observed, lengths))).toEqual([1, 0, 2, 3, 4])
  })

  it('stops at the straddling segment instead of taking it', () => {
    const order = fillOrder(density, observed, lengths)
    const { captured, coveredM } = evaluateCoverages(
      order,
      observed,
      lengths,
      total,
      [0.1, 0.2, 0.5],
    )
    // 10 %: 50 m taken, the 100 m segment would reach 150 m > 100 m
    expect(Array.from(captured)).toEqual([0, 2, 6])
    expect(Array.from(coveredM)).toEqual([50, 150, 500])
  })

  it('computes the PEI* oracle exactly where a greedy fill by density would fall short', () => {
    // 10 m with 1 crime (density 0.1/m) beats 100 m with 5 (0.05/m) greedily, but not in a 100 m budget
    expect(oracleCaptured([0, 1], [1, 5], [10, 100], 100)).toBe(5)
    expect(oracleCaptured([0, 2, 3, 4], observed, lengths, 150)).toBe(3)
    expect(oracleCaptured([0, 2, 3, 4], observed, lengths, 50)).toBe(0)
  })

  it('reports PAI as hit rate over the covered share and PEI* against the oracle of the same length', () => {
    const order = fillOrder(density, observed, lengths)
    const { captured, coveredM } = evaluateCoverages(order, observed, lengths, total, [0.2])
    const outcomes: PeriodOutcomes = {
      crimes: [7],
      captured: [[captured[0]]],
      coveredM: [[coveredM[0]]],
      oracle: [[oracleCaptured([0, 2, 3, 4], observed, lengths, coveredM[0])]],
      curveCaptured: Float64Array.from(captured),
      curve: [20],
      coverages: [20],
      totalLengthM: total,
    }
    const metrics = summarizeMethod(outcomes, outcomes, true)
    expect(metrics.hitRate['20']).toBeCloseTo((100 * 2) / 7, 10)
    expect(metrics.coveredPercent['20']).toBeCloseTo(15, 10)
    expect(metrics.pai['20']).toBeCloseTo(2 / 7 / 0.15, 10)
    expect(metrics.peiStar['20']).toBeCloseTo(2 / 3, 10)
    expect(metrics.peiStar['20']).toBeLessThanOrEqual(1)
    expect(metrics.wilcoxon).toBeUndefined()
  })
})
