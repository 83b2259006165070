import { buildProblem } from './build-problem.js'
import { creditedValues } from './collect-rule.js'
import { appendStop } from './construct.js'
import { assemblePlan, planWith } from './plan-patrol.js'
import { PlanState } from './plan-state.js'
import { travelS } from './travel-table.js'
import type { PatrolPlan, PlanOptions, PlanRequest } from './types.js'

/**
 * Baseline A, time-aware top-k nearest neighbour: each hour's ⌊units·60/dwell⌋ best places
 * are dealt round-robin to the units (best to the first unit, second best to the second…), and
 * each unit visits its share in nearest-neighbour order, hour after hour, skipping a place the
 * revisit gap or cap forbids and stopping when the next stop would keep it from getting back by
 * the shift end. A unit ahead of the clock waits for the hour to begin; one behind starts the
 * next hour's share late. Places no unit can reach and leave again are left out (as in the
 * teleport bound). Exploration is not applied.
 */
export function planTopKNearest(request: PlanRequest): PatrolPlan {
  const built = buildProblem({ ...request, explorationShare: 0 })
  const { problem } = built
  const state = new PlanState(problem)
  const units = problem.units.length
  const buffer = new Int32Array(state.stops[0]?.length ?? 0)
  const stopped = new Uint8Array(units)
  for (let k = 0; k < problem.buckets.count; k++) {
    const lengthS = Math.min(
      problem.buckets.widthS,
      problem.buckets.shiftS - k * problem.buckets.widthS,
    )
    const slots = Math.floor((units * lengthS) / problem.dwellS)
    const shares: number[][] = Array.from({ length: units }, () => [])
    const reachable = problem.candidates.topByBucket[k].filter(
      (cp) => !built.unreachable.has(problem.candidates.places[cp]),
    )
    reachable.slice(0, slots).forEach((cp, rank) => shares[rank % units].push(cp))
    for (let u = 0; u < units; u++) {
      const left = new Set(shares[u])
      // a unit ahead of the clock waits for the hour to begin
      state.hold[u][state.length[u]] = k * problem.buckets.widthS
      while (!stopped[u] && left.size > 0) {
        const next = nearestEdge(state, u, left)
        if (next.edge < 0) break
        left.delete(next.cp)
        if (!appendStop(state, u, next.edge, buffer) && state.lastFailure === 'time') stopped[u] = 1
      }
    }
  }
  return assemblePlan(built, state, request, {
    iterations: 0,
    stoppedBy: 'iterations',
    elapsedMs: undefined,
  })
}

/**
 * Baseline B, ratio greedy: the unit free earliest goes next to the place with the best prize at
 * its arrival ÷ (travel + dwell) — the planner's construction without its local search.
 */
export async function planRatioGreedy(request: PlanRequest): Promise<PatrolPlan> {
  return (await planWith({ ...request, explorationShare: 0 }, { iterations: 0 }, {})).plan
}

/**
 * What a planner blind to time of day delivers: the planner run with one bucket for the whole
 * shift (prize = the shift's total per place, so a place pays once per shift), its dwells then
 * scored with the hourly prizes. Returns that plan rescored throughout under the hourly rule: each
 * stop's `expectedCrimes` (dwells credited in time order, as plans do), `hour` and reason, each
 * unit's `value` (Σ its stops) and `totals.value`/`ratio` (Σ units).
 */
export async function planTimeBlind(
  request: PlanRequest,
  options: PlanOptions = {},
): Promise<PatrolPlan> {
  const { plan } = await planWith(request, options, { bucketMode: 'whole-shift' })
  const { shiftStartMs, shiftHours, prizes } = request
  const ordered = plan.units
    .flatMap((u, unit) => u.stops.map((stop, index) => ({ stop, unit, index })))
    .sort((a, b) => a.stop.arriveMs - b.stop.arriveMs || a.unit - b.unit)
  const credited = creditedValues(
    ordered.map((d) => d.stop),
    prizes,
    shiftStartMs,
    shiftHours,
  )
  const gains = plan.units.map((u) => new Float64Array(u.stops.length))
  ordered.forEach((d, i) => (gains[d.unit][d.index] = credited[i]))
  const hours = Math.ceil(shiftHours - 1e-9)
  const units = plan.units.map((u, unit) => {
    const stops = u.stops.map((stop, index) => {
      const gain = gains[unit][index]
      const hour = Math.min(hours - 1, Math.floor((stop.arriveMs - shiftStartMs) / 3_600_000))
      const reason = stop.reason
        .replace(' in shift hour 1', ' of the whole shift (time-blind)')
        .replace(/[\d.]+ expected crimes/, `${gain.toFixed(3)} expected crimes`)
      return { ...stop, hour, expectedCrimes: gain, reason }
    })
    return { ...u, stops, value: stops.reduce((sum, s) => sum + s.expectedCrimes, 0) }
  })
  const value = units.reduce((sum, u) => sum + u.value, 0)
  const bound = plan.totals.teleportBound
  return {
    ...plan,
    units,
    totals: { ...plan.totals, value, ratio: bound > 0 ? value / bound : 0 },
  }
}

function nearestEdge(
  state: PlanState,
  u: number,
  cps: ReadonlySet<number>,
): { edge: number; cp: number } {
  const { problem } = state
  const unit = problem.units[u]
  const table = problem.tables[unit.group]
  const n = state.length[u]
  let best = { edge: -1, cp: -1 }
  let bestS = Infinity
  for (const cp of cps) {
    for (const e of table.edgesOfCp[cp]) {
      // a place no way leads back from is not a place to go
      if (unit.legs.endS[e] === Infinity) continue
      const s = n === 0 ? unit.legs.startS[e] : travelS(table, state.stops[u][n - 1], e)
      if (s < bestS) {
        bestS = s
        best = { edge: e, cp }
      }
    }
  }
  return best
}
