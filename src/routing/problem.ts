import type { CandidateSet } from './candidates.js'
import type { ShiftBuckets } from './collect-rule.js'
import type { EdgeTable, UnitLegs } from './travel-table.js'

/** One unit as the search sees it. */
export interface ProblemUnit {
  readonly id: string
  /** Index into Problem.tables (one table per travel mode in use). */
  readonly group: number
  readonly legs: UnitLegs
}

/**
 * Everything the search reads, in seconds since the shift start. Built once per request by
 * `buildProblem`; never mutated.
 */
export interface Problem {
  readonly buckets: ShiftBuckets
  readonly dwellS: number
  readonly minGapS: number
  readonly maxDwells: number
  readonly explorationShare: number
  readonly candidates: CandidateSet
  /** prize[cp * buckets.count + k]: expected crimes of candidate cp in bucket k. */
  readonly prize: Float64Array
  readonly tables: ReadonlyArray<EdgeTable>
  /** Per table, seconds a dwell on each edge lasts: the dwell, or the time to travel the segment if longer. */
  readonly edgeDwellS: ReadonlyArray<Float64Array>
  readonly units: ReadonlyArray<ProblemUnit>
}

/** Most stops one unit can make (every dwell lasts at least `dwellS`). */
export function maxStopsPerUnit(problem: Problem): number {
  return Math.floor(problem.buckets.shiftS / problem.dwellS) + 1
}
