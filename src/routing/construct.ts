import { EXPLORATION, INCLUDE } from './candidates.js'
import type { PlanState } from './plan-state.js'
import { travelS } from './travel-table.js'

/** How the greedy builds routes. */
export interface GreedyOptions {
  /** Interleave exploration stops to keep the request's share; default true. */
  readonly explore?: boolean
}

/**
 * Ratio greedy: the unit that is free earliest goes next to the edge with the best
 * gain ÷ (travel + dwell), where gain is what the dwell would collect at its arrival time, as long as
 * it can still get back to its end by the shift end. Include places not yet visited get a bonus
 * that makes them come first; an exploration stop is taken instead whenever the exploration count
 * falls half a stop below its share; when nothing within reach pays now but a later hour does, the
 * unit waits for the next hour (a hold on that route position). Deterministic. Appends to the
 * routes in `state` (normally empty).
 */
export function constructGreedy(state: PlanState, options: GreedyOptions = {}): void {
  const { explore = true } = options
  const { problem } = state
  const units = problem.units.length
  const done = new Uint8Array(units)
  const buffer = new Int32Array(state.stops[0]?.length ?? 0)
  const maxPrize = problem.prize.reduce((a, b) => Math.max(a, b), 0)
  const includeBonus = 10 * maxPrize + 1
  for (;;) {
    let u = -1
    for (let v = 0; v < units; v++) {
      if (!done[v] && (u < 0 || freeAt(state, v) < freeAt(state, u))) u = v
    }
    if (u < 0) return
    const wantExploration =
      explore && state.explorationStops + 0.5 < problem.explorationShare * (state.totalStops + 1)
    let e = wantExploration ? nearestExploration(state, u) : -1
    if (e < 0) e = bestRatio(state, u, includeBonus)
    if (e < 0 && prizeLeftLater(state, u)) {
      // nothing within reach pays now: wait for the next hour
      const { widthS } = problem.buckets
      state.hold[u][state.length[u]] = (Math.floor(freeAt(state, u) / widthS) + 1) * widthS
      e = bestRatio(state, u, includeBonus)
    }
    if (e < 0 || !appendStop(state, u, e, buffer)) {
      state.hold[u][state.length[u]] = 0
      done[u] = 1
    }
  }
}

/** Whether some candidate still has an uncovered prize in an hour after the one unit u is in. */
function prizeLeftLater(state: PlanState, u: number): boolean {
  const { count, widthS } = state.problem.buckets
  const k = Math.floor(freeAt(state, u) / widthS)
  for (let cell = 0; cell < state.cover.length; cell++) {
    if (cell % count > k && state.problem.prize[cell] > 0 && state.cover[cell] < 1) return true
  }
  return false
}

/** Appends edge `e` to unit `u`'s route; false when a rule forbids it. */
export function appendStop(state: PlanState, u: number, e: number, buffer: Int32Array): boolean {
  const n = state.length[u]
  buffer.set(state.stops[u].subarray(0, n))
  buffer[n] = e
  return !Number.isNaN(state.setRoute(u, buffer, n + 1, n))
}

function freeAt(state: PlanState, u: number): number {
  const n = state.length[u]
  return n === 0 ? 0 : state.leave[u][n - 1]
}

/** When unit u would start a dwell on edge e if it went there next (after any hold). */
function arrivalAt(state: PlanState, u: number, e: number): number {
  const n = state.length[u]
  const unit = state.problem.units[u]
  const table = state.problem.tables[unit.group]
  const a =
    n === 0 ? unit.legs.startS[e] : state.leave[u][n - 1] + travelS(table, state.stops[u][n - 1], e)
  return Math.max(a, state.hold[u][n])
}

function fits(state: PlanState, u: number, e: number, a: number, b: number): boolean {
  const unit = state.problem.units[u]
  const cp = state.problem.tables[unit.group].cp[e]
  return b + unit.legs.endS[e] <= state.problem.buckets.shiftS && state.canDwell(cp, a, b)
}

function bestRatio(state: PlanState, u: number, includeBonus: number): number {
  const { problem } = state
  const table = problem.tables[problem.units[u].group]
  const kind = problem.candidates.kind
  const now = freeAt(state, u)
  let best = -1
  let bestRatio = 0
  for (let e = 0; e < table.count; e++) {
    const cp = table.cp[e]
    if (kind[cp] === EXPLORATION) continue
    const a = arrivalAt(state, u, e)
    const b = a + state.dwellOf(u, e)
    let gain = state.gainOf(cp, a, b)
    if (kind[cp] === INCLUDE && state.dwellsOn(cp) === 0) gain += includeBonus
    const ratio = gain / (b - now)
    // the rule checks cost more than the ratio: skip what cannot win anyway
    if (ratio <= bestRatio || !fits(state, u, e, a, b)) continue
    bestRatio = ratio
    best = e
  }
  return best
}

function nearestExploration(state: PlanState, u: number): number {
  const { problem } = state
  const table = problem.tables[problem.units[u].group]
  const kind = problem.candidates.kind
  let best = -1
  let bestArrival = Infinity
  for (let e = 0; e < table.count; e++) {
    const cp = table.cp[e]
    if (kind[cp] !== EXPLORATION || state.dwellsOn(cp) > 0) continue
    const a = arrivalAt(state, u, e)
    if (a < bestArrival && fits(state, u, e, a, a + state.dwellOf(u, e))) {
      bestArrival = a
      best = e
    }
  }
  return best
}
