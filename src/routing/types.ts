import type { DirectedStep, PlanGraph, SegmentPosition, TravelMode } from './plan-graph.js'

/** One patrol unit: a car (`drive`) or an officer on foot (`foot`). */
export interface PatrolUnit {
  readonly id: string
  readonly mode: TravelMode
  /** Where the unit starts, already snapped onto a segment of its mode's graph. */
  readonly start: SegmentPosition
  /** Where the unit must be back by the end of the shift; default `start`. */
  readonly end?: SegmentPosition
}

/**
 * A planning request. "Places" are the segments of the risk network (indexes into each row of
 * `prizes`); each graph maps its own segments onto them (`PlanGraph.placeOf`).
 */
export interface PlanRequest {
  /** The street graph of each mode the units use. */
  readonly graphs: Partial<Readonly<Record<TravelMode, PlanGraph>>>
  /** Shift start, UTC epoch ms. */
  readonly shiftStartMs: number
  /** Shift length, hours (> 0; a fraction leaves a short last hour). */
  readonly shiftHours: number
  readonly units: ReadonlyArray<PatrolUnit>
  /**
   * Expected victim-reported crimes per place during each hour of the shift: `prizes[h][place]`,
   * hour h = [shiftStart + h hours, shiftStart + (h + 1) hours). One row per started hour.
   */
  readonly prizes: ReadonlyArray<ArrayLike<number>>
  /** Minutes per stop; default 12 (the 10–15 minute Koper curve). */
  readonly dwellMinutes?: number
  /** Least minutes between leaving a place and the next dwell on it by any unit; default 30. */
  readonly minRevisitMinutes?: number
  /** Most dwells on one place per shift, all units together; default one per started hour. */
  readonly maxDwellsPerPlace?: number
  /** Share of stops that go to randomly sampled lower-risk places, 0–0.5; default 0.1. */
  readonly explorationShare?: number
  /** Seed of every random choice: the same request and seed give the same plan. */
  readonly seed: number
  /** Places every plan must dwell on (once each). */
  readonly include?: ReadonlyArray<number>
  /** Places no unit may dwell on (they may still be driven through). */
  readonly suppress?: ReadonlyArray<number>
}

/** How long the planner may search and how to stop it early. */
export interface PlanOptions {
  /** Aborting returns the best plan found so far (with an `aborted` warning). */
  readonly signal?: AbortSignal
  /** A millisecond clock (e.g. `performance.now`); without it there is no deadline. */
  readonly now?: () => number
  /** Wall-clock budget for the whole call, ms; default 1000. Only read when `now` is given. */
  readonly budgetMs?: number
  /** Local-search iterations; default 100,000 per unit. The plan is reproducible when these, not the deadline, end the search. */
  readonly iterations?: number
}

/** Why a stop is in the plan. */
export type StopKind = 'risk' | 'include' | 'exploration'

/** One dwell of one unit. */
export interface PlannedStop {
  readonly place: number
  /** Segment index in the unit's graph, and its id when the graph has ids. */
  readonly segment: number
  readonly segmentId: string | undefined
  readonly direction: DirectedStep['direction']
  readonly arriveMs: number
  readonly leaveMs: number
  /** The shift hour (0-based) the dwell starts in. */
  readonly hour: number
  readonly dwellMinutes: number
  /** Expected crimes this dwell adds to the plan value (what earlier dwells left of its hours' prizes). */
  readonly expectedCrimes: number
  readonly kind: StopKind
  /** One line for the officer, e.g. "top 3 place in hour 17:00 (0.21 expected crimes)". */
  readonly reason: string
  /** The way from the previous stop (or the start) to this stop's segment, without the segment itself. */
  readonly approach: ReadonlyArray<DirectedStep>
  readonly approachS: number
  readonly approachM: number
}

/** The route of one unit. */
export interface UnitPlan {
  readonly unitId: string
  readonly mode: TravelMode
  readonly stops: ReadonlyArray<PlannedStop>
  /** The way from the last stop (or the start) to the end position. */
  readonly returnPath: ReadonlyArray<DirectedStep>
  /** When the unit is back at its end position, UTC ms. */
  readonly returnMs: number
  readonly km: number
  readonly travelMinutes: number
  readonly dwellMinutes: number
  /** Σ expectedCrimes of the stops. */
  readonly value: number
}

/** Something the supervisor should know about the plan. */
export interface PlanWarning {
  readonly code:
    | 'nothing-worth-visiting'
    | 'include-unreachable'
    | 'include-dropped'
    | 'exploration-short'
    | 'cannot-return'
    | 'deadline-reached'
    | 'aborted'
  readonly unitId?: string
  readonly place?: number
  readonly message: string
}

/** Plan-wide totals. */
export interface PlanTotals {
  readonly km: number
  readonly travelMinutes: number
  readonly dwellMinutes: number
  /** Σ prizes collected: expected victim-reported crimes covered. */
  readonly value: number
  /** No plan can collect more: per hour the best prizes the units' dwell slots could take with free travel. */
  readonly teleportBound: number
  /** value / teleportBound (0 when the bound is 0). */
  readonly ratio: number
}

/** What the search did. */
export interface SearchReport {
  readonly iterations: number
  readonly stoppedBy: 'iterations' | 'deadline' | 'aborted'
  /** Candidate places the travel tables cover. */
  readonly candidates: number
  readonly elapsedMs: number | undefined
}

/** The plan for a shift. */
export interface PatrolPlan {
  readonly shiftStartMs: number
  readonly shiftEndMs: number
  readonly units: ReadonlyArray<UnitPlan>
  readonly totals: PlanTotals
  readonly warnings: ReadonlyArray<PlanWarning>
  readonly search: SearchReport
}
