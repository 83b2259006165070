import { wilcoxonSignedRank, type WilcoxonResult } from './wilcoxon.js'

/** Raw outcomes of one method, one entry per period (coverage arrays follow `coverages`). */
export interface PeriodOutcomes {
  readonly crimes: number[]
  readonly captured: number[][]
  readonly coveredM: number[][]
  readonly oracle: number[][]
  /** Captured crimes summed over periods at each `curve` coverage. */
  readonly curveCaptured: Float64Array
  readonly curve: ReadonlyArray<number>
  readonly coverages: ReadonlyArray<number>
  readonly totalLengthM: number
}

/** Values keyed by coverage percent ('1', '5', …). */
export type CoverageTable = Readonly<Record<string, number>>

/** One method's scores. Hit rate and PAI in percent and ratio, PEI* as a fraction. */
export interface MethodMetrics {
  /** Pooled: Σ captured ÷ Σ crimes, %. */
  readonly hitRate: CoverageTable
  /** Pooled hit rate ÷ mean covered share (the actual share, ≤ the nominal coverage). */
  readonly pai: CoverageTable
  /** Σ captured ÷ Σ oracle captures at the same covered length. */
  readonly peiStar: CoverageTable
  /** Mean actual covered share of network length, %. */
  readonly coveredPercent: CoverageTable
  /** Means over periods with at least one crime. */
  readonly meanOfPeriods: {
    readonly hitRate: CoverageTable
    readonly pai: CoverageTable
    readonly peiStar: CoverageTable
  }
  /** Paired test of per-period hit rates against the baseline (absent for the baseline itself). */
  readonly wilcoxon?: Readonly<Record<string, WilcoxonResult>>
  /** Pooled hit rate (%) against coverage (%), for the plot. */
  readonly curve: {
    readonly coveragePercent: ReadonlyArray<number>
    readonly hitRate: ReadonlyArray<number>
  }
  /** Hit rate (%) of each period with crimes, per coverage, in period order. */
  readonly periodHitRates: Readonly<Record<string, ReadonlyArray<number>>>
}

/** Pooled and mean-of-periods metrics of one method, and its paired test against the baseline. */
export function summarizeMethod(
  outcomes: PeriodOutcomes,
  baseline: PeriodOutcomes,
  isBaseline: boolean,
): MethodMetrics {
  const hitRate: Record<string, number> = {}
  const pai: Record<string, number> = {}
  const peiStar: Record<string, number> = {}
  const coveredPercent: Record<string, number> = {}
  const mean = {
    hitRate: {} as Record<string, number>,
    pai: {} as Record<string, number>,
    peiStar: {} as Record<string, number>,
  }
  const wilcoxon: Record<string, WilcoxonResult> = {}
  const periodHitRates: Record<string, number[]> = {}
  const totalCrimes = outcomes.crimes.reduce((a, b) => a + b, 0)
  outcomes.coverages.forEach((coverage, c) => {
    const key = String(coverage)
    let captured = 0
    let oracle = 0
    let share = 0
    const rates: number[] = []
    const paiPerPeriod: number[] = []
    const peiPerPeriod: number[] = []
    outcomes.crimes.forEach((n, p) => {
      captured += outcomes.captured[p][c]
      oracle += outcomes.oracle[p][c]
      const covered = outcomes.coveredM[p][c] / outcomes.totalLengthM
      share += covered
      if (n === 0) return
      const rate = (100 * outcomes.captured[p][c]) / n
      rates.push(rate)
      if (covered > 0) paiPerPeriod.push(rate / (100 * covered))
      if (outcomes.oracle[p][c] > 0)
        peiPerPeriod.push(outcomes.captured[p][c] / outcomes.oracle[p][c])
    })
    const meanShare = outcomes.crimes.length > 0 ? share / outcomes.crimes.length : 0
    hitRate[key] = totalCrimes > 0 ? (100 * captured) / totalCrimes : 0
    coveredPercent[key] = 100 * meanShare
    pai[key] = meanShare > 0 ? hitRate[key] / (100 * meanShare) : 0
    peiStar[key] = oracle > 0 ? captured / oracle : 0
    mean.hitRate[key] = average(rates)
    mean.pai[key] = average(paiPerPeriod)
    mean.peiStar[key] = average(peiPerPeriod)
    periodHitRates[key] = rates
    if (!isBaseline) wilcoxon[key] = wilcoxonSignedRank(rates, baselineRates(baseline, c))
  })
  return {
    hitRate,
    pai,
    peiStar,
    coveredPercent,
    meanOfPeriods: mean,
    ...(isBaseline ? {} : { wilcoxon }),
    curve: {
      coveragePercent: outcomes.curve,
      hitRate: Array.from(outcomes.curveCaptured, (v) =>
        totalCrimes > 0 ? (100 * v) / totalCrimes : 0,
      ),
    },
    periodHitRates,
  }
}

function baselineRates(baseline: PeriodOutcomes, c: number): number[] {
  const rates: number[] = []
  baseline.crimes.forEach((n, p) => {
    if (n > 0) rates.push((100 * baseline.captured[p][c]) / n)
  })
  return rates
}

function average(values: ReadonlyArray<number>): number {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0
}
