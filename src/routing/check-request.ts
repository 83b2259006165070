import type { PlanGraph } from './plan-graph.js'
import type { PlanRequest } from './types.js'

/** Default minutes per stop (the Koper curve's 10–15 minutes). */
export const DEFAULT_DWELL_MINUTES = 12
/** Default least minutes between two dwells on one place. */
export const DEFAULT_MIN_REVISIT_MINUTES = 30
/** Default share of stops on sampled lower-risk places. */
export const DEFAULT_EXPLORATION_SHARE = 0.1

/**
 * Checks a request and returns the number of places.
 * @throws RangeError naming the field, what was found and what is expected.
 */
export function checkRequest(request: PlanRequest): number {
  const { shiftHours, units, prizes } = request
  const fail = (message: string): never => {
    throw new RangeError(message)
  }
  if (!Number.isFinite(request.shiftStartMs)) fail('shiftStartMs must be a UTC epoch in ms.')
  if (!(shiftHours > 0 && shiftHours <= 24)) {
    fail(`shiftHours must be in (0, 24], got ${shiftHours}.`)
  }
  if (units.length === 0) fail('A plan needs at least one unit.')
  const hours = Math.ceil(shiftHours - 1e-9)
  if (prizes.length < hours) {
    fail(
      `prizes has ${prizes.length} hourly rows but the shift has ${hours} hours - give one row per started hour.`,
    )
  }
  const places = prizes[0].length
  for (let h = 0; h < hours; h++) {
    const row = prizes[h]
    if (row.length !== places) fail(`prizes[${h}] has ${row.length} places, prizes[0] ${places}.`)
    for (let p = 0; p < places; p++) {
      if (!(row[p] >= 0))
        fail(`prizes[${h}][${p}] is ${row[p]}; prizes are expected crimes (>= 0).`)
    }
  }
  const dwell = request.dwellMinutes ?? DEFAULT_DWELL_MINUTES
  if (!(dwell >= 1 && dwell <= 60)) fail(`dwellMinutes must be 1-60, got ${dwell}.`)
  const gap = request.minRevisitMinutes ?? DEFAULT_MIN_REVISIT_MINUTES
  if (!(gap >= 0)) fail(`minRevisitMinutes must be >= 0, got ${gap}.`)
  const cap = request.maxDwellsPerPlace ?? hours
  if (!(Number.isInteger(cap) && cap >= 1))
    fail(`maxDwellsPerPlace must be a whole number >= 1, got ${cap}.`)
  const share = request.explorationShare ?? DEFAULT_EXPLORATION_SHARE
  if (!(share >= 0 && share <= 0.5)) fail(`explorationShare must be 0-0.5, got ${share}.`)
  if (!Number.isInteger(request.seed)) fail(`seed must be an integer, got ${request.seed}.`)
  const ids = new Set<string>()
  for (const unit of units) {
    if (ids.has(unit.id)) fail(`Unit id "${unit.id}" appears twice - unit ids must be unique.`)
    ids.add(unit.id)
    const graph = request.graphs[unit.mode]
    if (!graph) fail(`Unit "${unit.id}" is ${unit.mode} but the request has no ${unit.mode} graph.`)
    checkPosition(graph!, unit.start, `unit "${unit.id}" start`)
    if (unit.end) checkPosition(graph!, unit.end, `unit "${unit.id}" end`)
  }
  for (const graph of Object.values(request.graphs)) {
    if (graph && graph.placeOf.some((p) => p >= places)) {
      fail(
        `The ${graph.mode} graph maps a segment to a place >= ${places} - build placeOf over the same places as prizes.`,
      )
    }
  }
  const suppressed = new Set(request.suppress ?? [])
  for (const place of [...(request.include ?? []), ...suppressed]) {
    if (!(Number.isInteger(place) && place >= 0 && place < places)) {
      fail(`Place ${place} in include/suppress is not one of the ${places} places.`)
    }
  }
  const both = (request.include ?? []).filter((p) => suppressed.has(p))
  if (both.length) fail(`Places ${both.join(', ')} are both included and suppressed - pick one.`)
  return places
}

function checkPosition(
  graph: PlanGraph,
  position: { segment: number; offsetM: number },
  what: string,
) {
  const { segment, offsetM } = position
  if (!(Number.isInteger(segment) && segment >= 0 && segment < graph.segmentCount)) {
    throw new RangeError(
      `The ${what} is on segment ${segment}, not in the ${graph.mode} graph (0-${graph.segmentCount - 1}) - snap it to the unit's mode.`,
    )
  }
  const length = graph.lengthM[segment]
  if (!(offsetM >= 0 && offsetM <= length + 1e-6)) {
    throw new RangeError(
      `The ${what} offset ${offsetM} m is outside segment ${segment} (0-${length} m).`,
    )
  }
}
