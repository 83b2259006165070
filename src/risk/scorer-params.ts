import { THREE_SHIFTS, bucketLayout, type BucketScheme } from './buckets.js'

/** Weight and cap of one resident-report type in the optional reports layer. */
export interface ReportTypeWeight {
  /** Expected victim-reported crimes per day added per report (reports decay like crimes). */
  readonly weight: number
  /** Most expected crimes per day one segment can gain from this report type. */
  readonly cap: number
}

/**
 * Parameters of the default scorer (research note §9). Every field has a default in
 * `DEFAULT_SCORER_PARAMS`; pass a partial object to `resolveScorerParams` to override some.
 */
export interface ScorerParams {
  /** Time constant τ of the long-term density, days (weight e^{−age/τ}). Default 365. */
  readonly longTauDays: number
  /** β: how much each crime category borrows from the all-category density. Default 0. */
  readonly borrowDefault: number
  /** β per canonical category id, overriding `borrowDefault`. Default: the Atlanta-validated values. */
  readonly borrowByCategory: Readonly<Record<string, number>>
  /** γ: weight of the same-segment near-repeat share. Default 0 (see DEFAULT_SCORER_PARAMS). */
  readonly nearRepeatWeight: number
  /** Time constant of the near-repeat term, days. Default 21. */
  readonly nearRepeatTauDays: number
  /**
   * The near-repeat term of a segment never exceeds this multiple of its long-term term, so recent
   * crimes can raise a known place but not lift one without history. Default 1 (at most double).
   */
  readonly nearRepeatMaxRatio: number
  /** κ: pseudo-events pulling each segment's bucket profile toward the global one. Default 10. */
  readonly profileStrength: number
  /** Time buckets. Default three shifts 07–15, 15–23, 23–07. */
  readonly buckets: BucketScheme
  /** Harm weight per canonical category; categories not listed weigh `defaultCategoryWeight`. */
  readonly categoryWeights: Readonly<Record<string, number>>
  readonly defaultCategoryWeight: number
  /** Enforcement-driven offences (drugs, weapons possession, warrants) count only when true. Default false. */
  readonly includeEnforcement: boolean
  /** Resident-report types that enter the score; empty (off) by default. */
  readonly reports: Readonly<Record<string, ReportTypeWeight>>
  /** Time constant of resident-report decay, days. Default 30. */
  readonly reportTauDays: number
  /**
   * The reports term of a segment never exceeds this multiple of its crime term, between 0 and 1 so
   * reports never outweigh crimes (0 turns the layer off). Default 1.
   */
  readonly reportsMaxRatio: number
}

/**
 * Defaults chosen on the Atlanta validation window (2021-07-01 … 12-31, bench/backtest/
 * VALIDATION-LOG.md): β for burglary (220), auto theft (240) and violent categories (09A, 120, 13A)
 * from daily forecasts of each group (one pass of the tuner, started from the previous defaults
 * 220: 0.5, 240: 0.5, 09A: 1, 120: 2, 13A: 0.5, after the back-test was made to use what was known
 * by each period's first instant except crimes that begin at it); κ on per-shift forecasts. Every near-repeat setting fell below
 * hot streets at 20 % coverage there, so the near-repeat term is off (γ = 0); its other fields keep
 * the research note's starting values for agencies that turn it on.
 */
export const DEFAULT_SCORER_PARAMS: ScorerParams = Object.freeze({
  longTauDays: 365,
  borrowDefault: 0,
  borrowByCategory: Object.freeze({ '220': 0.5, '240': 1, '09A': 2, '120': 2, '13A': 0.5 }),
  nearRepeatWeight: 0,
  nearRepeatTauDays: 21,
  nearRepeatMaxRatio: 1,
  profileStrength: 10,
  buckets: THREE_SHIFTS,
  categoryWeights: Object.freeze({}),
  defaultCategoryWeight: 1,
  includeEnforcement: false,
  reports: Object.freeze({}),
  reportTauDays: 30,
  reportsMaxRatio: 1,
})

/**
 * Fills defaults and checks every field at once.
 * @throws RangeError listing each bad field with what was expected.
 */
export function resolveScorerParams(overrides: Partial<ScorerParams> = {}): ScorerParams {
  const params: ScorerParams = { ...DEFAULT_SCORER_PARAMS, ...overrides }
  const problems: string[] = []
  const positive = (name: keyof ScorerParams) => {
    const v = params[name] as number
    if (!(v > 0) || !Number.isFinite(v)) problems.push(`${name} must be > 0, got ${v}`)
  }
  const nonNegative = (name: string, v: number) => {
    if (!(v >= 0) || !Number.isFinite(v)) problems.push(`${name} must be >= 0, got ${v}`)
  }
  positive('longTauDays')
  positive('nearRepeatTauDays')
  positive('reportTauDays')
  nonNegative('borrowDefault', params.borrowDefault)
  nonNegative('nearRepeatWeight', params.nearRepeatWeight)
  nonNegative('profileStrength', params.profileStrength)
  nonNegative('defaultCategoryWeight', params.defaultCategoryWeight)
  const ratio = params.reportsMaxRatio
  if (!(ratio >= 0 && ratio <= 1))
    problems.push(
      `reportsMaxRatio must be between 0 and 1 (reports never outweigh crimes), got ${ratio}`,
    )
  nonNegative('nearRepeatMaxRatio', params.nearRepeatMaxRatio)
  for (const [k, v] of Object.entries(params.borrowByCategory))
    nonNegative(`borrowByCategory.${k}`, v)
  for (const [k, v] of Object.entries(params.categoryWeights))
    nonNegative(`categoryWeights.${k}`, v)
  for (const [k, v] of Object.entries(params.reports)) {
    nonNegative(`reports.${k}.weight`, v.weight)
    nonNegative(`reports.${k}.cap`, v.cap)
  }
  try {
    bucketLayout(params.buckets)
  } catch (error) {
    problems.push((error as Error).message)
  }
  if (problems.length > 0)
    throw new RangeError(`Invalid scorer parameters: ${problems.join('; ')}.`)
  return Object.freeze(params)
}

/** β of a category. */
export function borrowOf(params: ScorerParams, category: string): number {
  return params.borrowByCategory[category] ?? params.borrowDefault
}

/** Harm weight of a category (0 = not scored). */
export function categoryWeightOf(params: ScorerParams, category: string): number {
  return params.categoryWeights[category] ?? params.defaultCategoryWeight
}
