import { buildProblem, type BuildOptions, type BuiltProblem } from './build-problem.js'
import { INCLUDE } from './candidates.js'
import { constructGreedy } from './construct.js'
import { LocalSearch } from './local-search.js'
import { describeRoutes } from './plan-output.js'
import { PlanState } from './plan-state.js'
import { mulberry32 } from './random.js'
import type { PatrolPlan, PlanOptions, PlanRequest, PlanWarning, SearchReport } from './types.js'

/** Default wall-clock budget of a plan, ms. */
export const DEFAULT_BUDGET_MS = 1000
/** Default local-search iterations per unit. */
export const ITERATIONS_PER_UNIT = 100_000
/** Iterations between two looks at the clock and the AbortSignal. */
const SLICE = 2_000
/** Part of the budget kept for paths and totals once the search ends, ms. */
const OUTPUT_RESERVE_MS = 80
/** Search time before its speed is trusted to fit the iterations to the budget (JIT warm-up), ms. */
const WARM_UP_MS = 60

/**
 * Plans a shift: candidate places per hour, travel tables, ratio-greedy construction, then
 * simulated annealing for `iterations`, shortened (cooling sooner) when the clock says they will
 * not fit in the budget. Same request and seed give the same plan unless the budget shortened the
 * search (then the `deadline-reached` warning says so). On abort it returns the best plan so far with an `aborted`
 * warning; if the signal is already aborted before the first plan exists it rejects with
 * `signal.reason`. Throws RangeError on a malformed request.
 */
export async function planPatrol(
  request: PlanRequest,
  options: PlanOptions = {},
): Promise<PatrolPlan> {
  return (await planWith(request, options, {})).plan
}

/** planPatrol with build options, and the search state for baselines and benches. */
export async function planWith(
  request: PlanRequest,
  options: PlanOptions,
  build: BuildOptions,
): Promise<{ readonly plan: PatrolPlan; readonly state: PlanState }> {
  const { signal, now } = options
  const startedAt = now?.()
  const deadline =
    startedAt === undefined ? Infinity : startedAt + (options.budgetMs ?? DEFAULT_BUDGET_MS)
  const built = buildProblem(request, build)
  if (signal?.aborted) throw signal.reason
  const state = new PlanState(built.problem)
  constructGreedy(state, { explore: built.problem.explorationShare > 0 })
  state.enforceShare = true
  const iterations = options.iterations ?? ITERATIONS_PER_UNIT * request.units.length
  const search = new LocalSearch(state, mulberry32(request.seed), iterations)
  const searchStart = now?.() ?? 0
  // leave room for the paths and totals after the search
  const searchDeadline = deadline - OUTPUT_RESERVE_MS
  let stoppedBy: SearchReport['stoppedBy'] = 'iterations'
  while (!search.run(SLICE)) {
    if (now !== undefined) {
      const t = now()
      if (t - searchStart >= WARM_UP_MS) {
        const rate = search.done / (t - searchStart)
        // cool down within the budget rather than stop mid-way while still hot
        search.fitTo(search.done + rate * (searchDeadline - t))
        if (search.iterations < search.budget) stoppedBy = 'deadline'
      }
    }
    await new Promise((resolve) => setImmediate(resolve))
    if (signal?.aborted) {
      stoppedBy = 'aborted'
      break
    }
  }
  search.restoreBest()
  const elapsedMs = startedAt === undefined ? undefined : now!() - startedAt
  const plan = assemblePlan(built, state, request, {
    iterations: search.done,
    stoppedBy,
    elapsedMs,
  })
  return { plan, state }
}

/** The PatrolPlan for the routes in `state`, with totals and warnings. */
export function assemblePlan(
  built: BuiltProblem,
  state: PlanState,
  request: PlanRequest,
  search: Omit<SearchReport, 'candidates'>,
): PatrolPlan {
  const units = describeRoutes(state, request.units, request.shiftStartMs)
  const warnings = [...built.warnings, ...planWarnings(state, search.stoppedBy)]
  const value = units.reduce((sum, u) => sum + u.value, 0)
  return {
    shiftStartMs: request.shiftStartMs,
    shiftEndMs: request.shiftStartMs + request.shiftHours * 3_600_000,
    units,
    totals: {
      km: units.reduce((sum, u) => sum + u.km, 0),
      travelMinutes: units.reduce((sum, u) => sum + u.travelMinutes, 0),
      dwellMinutes: units.reduce((sum, u) => sum + u.dwellMinutes, 0),
      value,
      teleportBound: built.bound,
      ratio: built.bound > 0 ? value / built.bound : 0,
    },
    warnings,
    search: { ...search, candidates: built.problem.candidates.places.length },
  }
}

function planWarnings(state: PlanState, stoppedBy: SearchReport['stoppedBy']): PlanWarning[] {
  const { problem } = state
  const warnings: PlanWarning[] = []
  problem.units.forEach((unit, u) => {
    if (unit.legs.directS > problem.buckets.shiftS) {
      warnings.push({
        code: 'cannot-return',
        unitId: unit.id,
        message: `Unit ${unit.id} cannot reach its end position within the shift.`,
      })
    } else if (state.length[u] === 0) {
      warnings.push({
        code: 'nothing-worth-visiting',
        unitId: unit.id,
        message: `Unit ${unit.id} has no place worth a stop within reach.`,
      })
    }
  })
  problem.candidates.kind.forEach((kind, cp) => {
    if (kind === INCLUDE && state.dwellsOn(cp) === 0) {
      const place = problem.candidates.places[cp]
      warnings.push({
        code: 'include-dropped',
        place,
        message: `Included place ${place} did not fit into any route.`,
      })
    }
  })
  const wanted = problem.explorationShare * state.totalStops
  if (state.explorationStops < wanted - 1) {
    warnings.push({
      code: 'exploration-short',
      message: `${state.explorationStops} exploration stops where ${wanted.toFixed(1)} were wanted: too few reachable lower-risk places.`,
    })
  }
  if (stoppedBy === 'deadline') {
    warnings.push({
      code: 'deadline-reached',
      message:
        'The search was shortened to fit its time budget: a rerun may give a different plan.',
    })
  }
  if (stoppedBy === 'aborted') {
    warnings.push({
      code: 'aborted',
      message: 'Planning was aborted: this is the best plan found so far.',
    })
  }
  return warnings
}
