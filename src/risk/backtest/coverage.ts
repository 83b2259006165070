/**
 * Hit rate at coverage on a street network (research note §1): rank segments by forecast density,
 * fill the budget c × total length greedily in that order and stop at the first segment that does not
 * fit (the straddling segment is excluded, so the covered share is ≤ c); ties in the forecast are
 * broken pessimistically (fewest observed crimes first, then longest, then index).
 */

/** What one forecast captured at one coverage. */
export interface CoverageOutcome {
  /** Observed crimes on the selected segments. */
  readonly captured: number
  /** Length of the selected segments, m. */
  readonly coveredM: number
  /** Most crimes any set of segments no longer than `coveredM` holds (PEI* denominator). */
  readonly oracle: number
}

/**
 * Segment order for filling: forecast density descending, pessimistic ties.
 * @param density - forecast per segment (any per-length score; higher = riskier).
 */
export function fillOrder(
  density: ArrayLike<number>,
  observed: ArrayLike<number>,
  lengthsM: ArrayLike<number>,
): Uint32Array {
  const order = new Uint32Array(density.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  return order.sort(
    (a, b) =>
      density[b] - density[a] || observed[a] - observed[b] || lengthsM[b] - lengthsM[a] || a - b,
  )
}

/**
 * Captured crimes and covered length at each coverage (fractions of total length, ascending).
 */
export function evaluateCoverages(
  order: Uint32Array,
  observed: ArrayLike<number>,
  lengthsM: ArrayLike<number>,
  totalLengthM: number,
  coverages: ReadonlyArray<number>,
): { captured: Float64Array; coveredM: Float64Array } {
  const captured = new Float64Array(coverages.length)
  const coveredM = new Float64Array(coverages.length)
  let c = 0
  let length = 0
  let hits = 0
  for (let k = 0; k < order.length && c < coverages.length; k++) {
    const u = order[k]
    const next = length + lengthsM[u]
    while (c < coverages.length && next > coverages[c] * totalLengthM + 1e-9) {
      captured[c] = hits
      coveredM[c] = length
      c++
    }
    length = next
    hits += observed[u]
  }
  for (; c < coverages.length; c++) {
    captured[c] = hits
    coveredM[c] = length
  }
  return { captured, coveredM }
}

/**
 * The oracle for PEI*: the most observed crimes that segments of total length ≤ budgetM can hold,
 * exactly (a 0/1 knapsack over the segments with crimes, by dynamic programming over crime counts).
 * A greedy fill by observed density is not enough: with unequal lengths it can fall below the
 * forecast's own selection, giving PEI* > 1.
 */
export function oracleCaptured(
  segmentsWithCrimes: ReadonlyArray<number>,
  observed: ArrayLike<number>,
  lengthsM: ArrayLike<number>,
  budgetM: number,
): number {
  let total = 0
  for (const u of segmentsWithCrimes) total += Math.round(observed[u])
  // minLength[v] = shortest total length holding exactly v crimes
  const minLength = new Float64Array(total + 1).fill(Infinity)
  minLength[0] = 0
  let reachable = 0
  for (const u of segmentsWithCrimes) {
    const value = Math.round(observed[u])
    const length = lengthsM[u]
    for (let v = reachable; v >= 0; v--) {
      const candidate = minLength[v] + length
      if (candidate < minLength[v + value]) minLength[v + value] = candidate
    }
    reachable += value
  }
  for (let v = total; v > 0; v--) if (minLength[v] <= budgetM + 1e-9) return v
  return 0
}
