import { EXPLORATION, INCLUDE } from './candidates.js'
import type { DirectedStep, PlanGraph, SegmentPosition } from './plan-graph.js'
import type { PlanState } from './plan-state.js'
import { alongSegmentS, entriesOf, exitsOf, type PositionLink } from './positions.js'
import { travelS as travelSOf, type EdgeTable } from './travel-table.js'
import type { PatrolUnit, PlannedStop, StopKind, UnitPlan } from './types.js'

/**
 * Turns the routes in `state` into unit plans: times in UTC ms, the path of every leg, and each
 * stop's share of the plan value (dwells credited in time order, so a later dwell in an hour a
 * place was already covered gets only what was left).
 */
export function describeRoutes(
  state: PlanState,
  units: ReadonlyArray<PatrolUnit>,
  shiftStartMs: number,
): UnitPlan[] {
  const gains = creditDwells(state)
  return units.map((unit, u) => describeUnit(state, unit, u, shiftStartMs, gains[u]))
}

function creditDwells(state: PlanState): Float64Array[] {
  const { problem } = state
  const dwells: { unit: number; index: number; arrive: number }[] = []
  state.length.forEach((n, u) => {
    for (let i = 0; i < n; i++) dwells.push({ unit: u, index: i, arrive: state.arrive[u][i] })
  })
  dwells.sort((a, b) => a.arrive - b.arrive || a.unit - b.unit)
  const cover = new Float64Array(state.cover.length)
  const gains = Array.from(state.length, (n) => new Float64Array(n))
  const { count, widthS } = problem.buckets
  for (const d of dwells) {
    const table = problem.tables[problem.units[d.unit].group]
    const cp = table.cp[state.stops[d.unit][d.index]]
    const a = state.arrive[d.unit][d.index]
    const b = state.leave[d.unit][d.index]
    let gain = 0
    for (let k = Math.min(count - 1, Math.floor(a / widthS)); k < count; k++) {
      const lo = k === 0 ? a : Math.max(a, k * widthS)
      const hi = k === count - 1 ? b : Math.min(b, (k + 1) * widthS)
      if (hi <= lo) break
      const cell = cp * count + k
      const before = cover[cell]
      cover[cell] = before + (hi - lo) / (b - a)
      gain += problem.prize[cell] * (Math.min(1, cover[cell]) - Math.min(1, before))
    }
    gains[d.unit][d.index] = gain
  }
  return gains
}

function describeUnit(
  state: PlanState,
  unit: PatrolUnit,
  u: number,
  shiftStartMs: number,
  gains: Float64Array,
): UnitPlan {
  const { problem } = state
  const table = problem.tables[problem.units[u].group]
  const graph = table.graph
  const n = state.length[u]
  const start = unit.start
  const end = unit.end ?? unit.start
  const stops: PlannedStop[] = []
  let metres = 0
  let travelS = 0
  let dwellS = 0
  for (let i = 0; i < n; i++) {
    const e = state.stops[u][i]
    const approach =
      i === 0
        ? fromPosition(graph, start, table.tail[e])
        : between(graph, table.head[state.stops[u][i - 1]], table.tail[e])
    const approachS =
      i === 0 ? problem.units[u].legs.startS[e] : travelSOf(table, state.stops[u][i - 1], e)
    const approachM = lengthOf(graph, approach)
    const s = table.segment[e]
    metres += approachM + graph.lengthM[s]
    travelS += approachS
    dwellS += state.leave[u][i] - state.arrive[u][i]
    stops.push(
      describeStop(state, table, u, i, shiftStartMs, gains[i], approach, approachS, approachM),
    )
  }
  const returnPath =
    n === 0 ? direct(graph, start, end) : toPosition(graph, table.head[state.stops[u][n - 1]], end)
  const returnS = state.finish[u] - (n === 0 ? 0 : state.leave[u][n - 1])
  metres += lengthOf(graph, returnPath)
  travelS += returnS
  return {
    unitId: unit.id,
    mode: unit.mode,
    stops,
    returnPath,
    returnMs: shiftStartMs + 1000 * state.finish[u],
    km: metres / 1000,
    travelMinutes: travelS / 60,
    dwellMinutes: dwellS / 60,
    value: gains.reduce((a, b) => a + b, 0),
  }
}

function describeStop(
  state: PlanState,
  table: EdgeTable,
  u: number,
  i: number,
  shiftStartMs: number,
  gain: number,
  approach: ReadonlyArray<DirectedStep>,
  approachS: number,
  approachM: number,
): PlannedStop {
  const { problem } = state
  const e = state.stops[u][i]
  const cp = table.cp[e]
  const a = state.arrive[u][i]
  const b = state.leave[u][i]
  const hour = Math.min(problem.buckets.count - 1, Math.floor(a / problem.buckets.widthS))
  const kind: StopKind = ['risk', 'include', 'exploration'][problem.candidates.kind[cp]] as StopKind
  return {
    place: problem.candidates.places[cp],
    segment: table.segment[e],
    segmentId: table.graph.segmentIds?.[table.segment[e]],
    direction: table.backward[e] ? 'backward' : 'forward',
    arriveMs: shiftStartMs + 1000 * a,
    leaveMs: shiftStartMs + 1000 * b,
    hour,
    dwellMinutes: (b - a) / 60,
    expectedCrimes: gain,
    kind,
    reason: reasonFor(state, cp, hour, gain),
    approach,
    approachS,
    approachM,
  }
}

function reasonFor(state: PlanState, cp: number, hour: number, gain: number): string {
  const { problem } = state
  const kind = problem.candidates.kind[cp]
  const crimes = `${gain.toFixed(3)} expected crimes`
  if (kind === INCLUDE) return `requested by the supervisor (${crimes})`
  if (kind === EXPLORATION) return `exploration: a randomly sampled lower-risk street (${crimes})`
  const rank = problem.candidates.topByBucket[hour].indexOf(cp)
  const where =
    rank >= 0
      ? `top ${rank + 1} in shift hour ${hour + 1}`
      : `close to the route in shift hour ${hour + 1}`
  return `${where}: ${crimes}`
}

function between(graph: PlanGraph, from: number, to: number): ReadonlyArray<DirectedStep> {
  return graph.pathBetween(from, to) ?? []
}

function cheapest(links: PositionLink[], cost: (l: PositionLink) => number): PositionLink {
  return links.reduce((best, l) => (cost(l) < cost(best) ? l : best))
}

function fromPosition(graph: PlanGraph, start: SegmentPosition, to: number): DirectedStep[] {
  const nodeCost = (node: number) => graph.costsFrom(node, Int32Array.of(to))[0]
  const exit = cheapest(exitsOf(graph, start), (l) => l.costS + nodeCost(l.node))
  return [exit.step, ...between(graph, exit.node, to)]
}

function toPosition(graph: PlanGraph, from: number, end: SegmentPosition): DirectedStep[] {
  const entries = entriesOf(graph, end)
  const costs = graph.costsFrom(
    from,
    Int32Array.from(entries, (l) => l.node),
  )
  const entry = cheapest(entries, (l) => costs[entries.indexOf(l)] + l.costS)
  return [...between(graph, from, entry.node), entry.step]
}

function direct(graph: PlanGraph, start: SegmentPosition, end: SegmentPosition): DirectedStep[] {
  let bestCost = alongSegmentS(graph, start, end)
  let best: DirectedStep[] =
    bestCost < Infinity
      ? [
          {
            segment: start.segment,
            direction: end.offsetM >= start.offsetM ? 'forward' : 'backward',
            fromM: start.offsetM,
            toM: end.offsetM,
          },
        ]
      : []
  const entries = entriesOf(graph, end)
  for (const x of exitsOf(graph, start)) {
    const costs = graph.costsFrom(
      x.node,
      Int32Array.from(entries, (l) => l.node),
    )
    entries.forEach((y, j) => {
      const cost = x.costS + costs[j] + y.costS
      if (cost < bestCost) {
        bestCost = cost
        best = [x.step, ...between(graph, x.node, y.node), y.step]
      }
    })
  }
  return best
}

function lengthOf(graph: PlanGraph, steps: ReadonlyArray<DirectedStep>): number {
  let m = 0
  for (const step of steps) {
    m +=
      step.fromM === undefined
        ? graph.lengthM[step.segment]
        : Math.abs((step.toM ?? 0) - step.fromM)
  }
  return m
}
