import { expect } from 'vitest'
import {
  DEFAULT_DWELL_MINUTES,
  DEFAULT_MIN_REVISIT_MINUTES,
  collectedValue,
  type DirectedStep,
  type PatrolPlan,
  type PlanGraph,
  type PlanRequest,
} from '../../../src/routing/index.js'

/**
 * Asserts every rule a plan must keep: each unit's steps chain from its start position through
 * every dwell to its end position along directed links (one-ways kept), each arrival (and the return)
 * comes no sooner than the previous departure plus the travel time of the steps between, times stay
 * in the shift, dwells last at least the dwell time, suppressed places are never dwelt on, the
 * revisit gap and the per-place cap hold, and the value is what the collection rule gives, within
 * the bound, credited stop by stop in time order (Σ stops = unit value, Σ units = total).
 */
export function expectValidPlan(plan: PatrolPlan, request: PlanRequest): void {
  const dwellMs = 60_000 * (request.dwellMinutes ?? DEFAULT_DWELL_MINUTES)
  const shiftEndMs = request.shiftStartMs + request.shiftHours * 3_600_000
  request.units.forEach((unit, u) => {
    const route = plan.units[u]
    const graph = request.graphs[unit.mode]!
    const end = unit.end ?? unit.start
    const walker = stepWalker(graph)
    const steps = [
      ...route.stops.flatMap((s) => [
        ...s.approach,
        { segment: s.segment, direction: s.direction },
      ]),
      ...route.returnPath,
    ]
    const first = steps[0]
    if (first) {
      expect(first.segment, 'a route leaves from its start segment').toBe(unit.start.segment)
      expect(first.fromM).toBeCloseTo(unit.start.offsetM, 6)
      const last = steps[steps.length - 1]
      expect(last.segment, 'a route ends on its end segment').toBe(end.segment)
      expect(last.toM).toBeCloseTo(end.offsetM, 6)
    }
    steps.forEach((step, i) => walker.walk(step, i === 0, i === steps.length - 1))
    let freeMs = request.shiftStartMs
    route.stops.forEach((stop, i) => {
      const travelMs = 1000 * travelSOf(graph, stop.approach)
      expect(
        stop.arriveMs,
        `unit ${unit.id} stop ${i}: arrives after its approach`,
      ).toBeGreaterThanOrEqual(freeMs + travelMs - TRAVEL_ROUNDING_MS)
      expect(stop.leaveMs - stop.arriveMs).toBeGreaterThanOrEqual(dwellMs - 1e-6)
      freeMs = stop.leaveMs
    })
    expect(route.returnMs, `unit ${unit.id}: returns after the way back`).toBeGreaterThanOrEqual(
      freeMs + 1000 * travelSOf(graph, route.returnPath) - TRAVEL_ROUNDING_MS,
    )
    expect(route.returnMs, 'back by the shift end').toBeLessThanOrEqual(shiftEndMs + 1e-6)
  })
  const dwells = plan.units.flatMap((u) => u.stops).sort((a, b) => a.arriveMs - b.arriveMs)
  const suppressed = new Set(request.suppress ?? [])
  const gapMs = 60_000 * (request.minRevisitMinutes ?? DEFAULT_MIN_REVISIT_MINUTES)
  const cap = request.maxDwellsPerPlace ?? Math.ceil(request.shiftHours)
  const lastLeave = new Map<number, number>()
  const count = new Map<number, number>()
  for (const d of dwells) {
    expect(suppressed.has(d.place), `place ${d.place} is suppressed`).toBe(false)
    const before = lastLeave.get(d.place)
    if (before !== undefined) expect(d.arriveMs - before).toBeGreaterThanOrEqual(gapMs - 1e-3)
    lastLeave.set(d.place, Math.max(before ?? -Infinity, d.leaveMs))
    count.set(d.place, (count.get(d.place) ?? 0) + 1)
  }
  for (const n of count.values()) expect(n).toBeLessThanOrEqual(cap)
  const value = collectedValue(dwells, request.prizes, request.shiftStartMs, request.shiftHours)
  expect(plan.totals.value).toBeCloseTo(value, 9)
  expect(plan.totals.value).toBeLessThanOrEqual(plan.totals.teleportBound + 1e-9)
  expectValuesCredited(plan, request)
}

/** Rounding allowed between the plan's clock and the step travel times summed here. */
const TRAVEL_ROUNDING_MS = 1

/** Seconds to travel `steps`: whole segments at their travel time, partial ones pro rata. */
function travelSOf(graph: PlanGraph, steps: ReadonlyArray<DirectedStep>): number {
  let s = 0
  for (const step of steps) {
    const full = graph.travelS[step.segment]
    const length = graph.lengthM[step.segment]
    if (step.fromM === undefined && step.toM === undefined) s += full
    else {
      const from = step.fromM ?? (step.direction === 'backward' ? length : 0)
      const to = step.toM ?? (step.direction === 'backward' ? 0 : length)
      s += length > 0 ? (full * Math.abs(to - from)) / length : 0
    }
  }
  return s
}

/**
 * Each stop's expectedCrimes is what the collection rule adds for it when dwells are credited in
 * time order (ties by unit), each unit's value is the sum over its stops, the total the sum of units.
 */
function expectValuesCredited(plan: PatrolPlan, request: PlanRequest): void {
  const ordered = plan.units
    .flatMap((u, unit) => u.stops.map((stop) => ({ stop, unit })))
    .sort((a, b) => a.stop.arriveMs - b.stop.arriveMs || a.unit - b.unit)
  const { shiftStartMs, shiftHours, prizes } = request
  let before = 0
  ordered.forEach(({ stop, unit }, i) => {
    const after = collectedValue(
      ordered.slice(0, i + 1).map((d) => d.stop),
      prizes,
      shiftStartMs,
      shiftHours,
    )
    expect(stop.expectedCrimes, `unit ${unit} stop at ${stop.arriveMs}: credited gain`).toBeCloseTo(
      after - before,
      9,
    )
    before = after
  })
  let total = 0
  for (const u of plan.units) {
    const sum = u.stops.reduce((a, s) => a + s.expectedCrimes, 0)
    expect(u.value, `unit ${u.unitId}: value = Σ stops`).toBeCloseTo(sum, 9)
    total += u.value
  }
  expect(plan.totals.value, 'total value = Σ units').toBeCloseTo(total, 9)
}

/** Follows directed steps node by node and fails on a gap or a one-way driven backward. */
function stepWalker(graph: PlanGraph) {
  let at: number | undefined
  return {
    walk(step: DirectedStep, first: boolean, last: boolean) {
      const s = step.segment
      const backward = step.direction === 'backward'
      if (backward) expect(graph.oneway[s], `segment ${s} is one-way`).toBe(0)
      const entry = backward ? graph.segmentTo[s] : graph.segmentFrom[s]
      const exit = backward ? graph.segmentFrom[s] : graph.segmentTo[s]
      const length = graph.lengthM[s]
      const startsMid = step.fromM !== undefined && step.fromM !== (backward ? length : 0)
      const endsMid = step.toM !== undefined && step.toM !== (backward ? 0 : length)
      expect(startsMid && !first, 'only the first step starts mid-segment').toBe(false)
      expect(endsMid && !last, 'only the last step ends mid-segment').toBe(false)
      if (!first) expect(entry, `step onto segment ${s} is linked`).toBe(at)
      at = exit
    },
  }
}
