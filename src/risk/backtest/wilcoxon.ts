/** Outcome of a paired Wilcoxon signed-rank test. */
export interface WilcoxonResult {
  /** Pairs with a non-zero difference (zeros are dropped, Wilcoxon's original rule). */
  readonly n: number
  /** Sum of the ranks of the positive differences (x > y). */
  readonly wPlus: number
  /** Normal-approximation z with tie correction and continuity correction; 0 when n = 0. */
  readonly z: number
  /** Two-sided p-value; 1 when n = 0. */
  readonly p: number
  /** Mean of x − y over all pairs (zeros included). */
  readonly meanDifference: number
}

/**
 * Paired Wilcoxon signed-rank test of x against y: drops zero differences, ranks |d| with average
 * ranks for ties, and uses the normal approximation
 * z = (W⁺ − n(n+1)/4 ∓ ½) / √(n(n+1)(2n+1)/24 − Σ(t³ − t)/48).
 * @throws RangeError when x and y differ in length.
 */
export function wilcoxonSignedRank(x: ArrayLike<number>, y: ArrayLike<number>): WilcoxonResult {
  if (x.length !== y.length) {
    throw new RangeError(`Paired test needs equal lengths, got ${x.length} and ${y.length}.`)
  }
  const diffs: number[] = []
  let sum = 0
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - y[i]
    sum += d
    // differences below rounding noise count as ties at zero
    if (Math.abs(d) > 1e-12) diffs.push(d)
  }
  const meanDifference = x.length > 0 ? sum / x.length : 0
  const n = diffs.length
  if (n === 0) return { n, wPlus: 0, z: 0, p: 1, meanDifference }
  const order = diffs.map((_, i) => i).sort((a, b) => Math.abs(diffs[a]) - Math.abs(diffs[b]))
  let wPlus = 0
  let tieTerm = 0
  for (let start = 0; start < n;) {
    let end = start + 1
    const magnitude = Math.abs(diffs[order[start]])
    while (end < n && Math.abs(Math.abs(diffs[order[end]]) - magnitude) <= 1e-12) end++
    const rank = (start + 1 + end) / 2
    for (let k = start; k < end; k++) if (diffs[order[k]] > 0) wPlus += rank
    const t = end - start
    tieTerm += t * t * t - t
    start = end
  }
  const mean = (n * (n + 1)) / 4
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48
  if (variance <= 0) return { n, wPlus, z: 0, p: 1, meanDifference }
  const deviation = wPlus - mean
  const corrected = Math.sign(deviation) * Math.max(0, Math.abs(deviation) - 0.5)
  const z = corrected / Math.sqrt(variance)
  return { n, wPlus, z, p: Math.min(1, 2 * normalUpperTail(Math.abs(z))), meanDifference }
}

/** P(Z > z) for a standard normal, relative error < 1.2e-7 (also far in the tail). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2)
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? r : 2 - r
}
