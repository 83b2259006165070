import { pickCandidates, withExploration } from './candidates.js'
import {
  DEFAULT_DWELL_MINUTES,
  DEFAULT_EXPLORATION_SHARE,
  DEFAULT_MIN_REVISIT_MINUTES,
  checkRequest,
} from './check-request.js'
import { hourlyBuckets, teleportBound, wholeShiftBucket } from './collect-rule.js'
import { EXPLORE_CELL_M, sampleExploration } from './exploration.js'
import type { PlanGraph, TravelMode } from './plan-graph.js'
import type { Problem, ProblemUnit } from './problem.js'
import { mulberry32 } from './random.js'
import { buildEdgeTable, unitLegs } from './travel-table.js'
import type { PlanRequest, PlanWarning } from './types.js'

/** A checked request turned into the search's problem. */
export interface BuiltProblem {
  readonly problem: Problem
  /** The teleport bound under hourly prizes. */
  readonly bound: number
  /** The modes in table order: problem.tables[g] is modes[g]'s graph. */
  readonly modes: ReadonlyArray<TravelMode>
  /** Candidate places no unit can dwell on and still get back in time (left out of the bound). */
  readonly unreachable: ReadonlySet<number>
  readonly warnings: ReadonlyArray<PlanWarning>
}

/** How buckets are cut: by hour, or one bucket over the shift (the time-blind baseline). */
export type BucketMode = 'hourly' | 'whole-shift'

/** Extra knobs for baselines and experiments. */
export interface BuildOptions {
  readonly bucketMode?: BucketMode
  /** Candidates per dwell slot and bucket (see CANDIDATES_PER_SLOT). */
  readonly perSlot?: number
}

/**
 * Checks the request, picks candidate places, samples exploration places and builds one travel
 * table per mode. Throws RangeError on misuse (see checkRequest).
 */
export function buildProblem(request: PlanRequest, options: BuildOptions = {}): BuiltProblem {
  const placeCount = checkRequest(request)
  const hourly = hourlyBuckets(request.shiftHours)
  const whole = options.bucketMode === 'whole-shift'
  const buckets = whole ? wholeShiftBucket(request.shiftHours) : hourly
  const hourRows = request.prizes.slice(0, hourly.count)
  const rows = whole ? [sumRows(hourRows, placeCount)] : hourRows
  const dwellS = 60 * (request.dwellMinutes ?? DEFAULT_DWELL_MINUTES)
  const modes = [...new Set(request.units.map((u) => u.mode))]
  const graphs = modes.map((mode) => request.graphs[mode]!)
  const { mapped, lon, lat } = placePoints(graphs, placeCount)
  const suppressed = new Set(request.suppress ?? [])
  const allowed = (place: number) => mapped[place] === 1 && !suppressed.has(place)
  const warnings: PlanWarning[] = []
  const include: number[] = []
  for (const place of new Set(request.include ?? [])) {
    if (allowed(place)) include.push(place)
    else
      warnings.push({
        code: 'include-unreachable',
        place,
        message: `No unit's graph reaches place ${place}.`,
      })
  }
  const units = request.units.length
  let candidates = pickCandidates({
    rows,
    buckets,
    units,
    dwellS,
    allowed,
    include,
    perSlot: options.perSlot,
  })
  const share = request.explorationShare ?? DEFAULT_EXPLORATION_SHARE
  if (share > 0) {
    const estimatedStops = units * Math.floor(buckets.shiftS / (dwellS + 60))
    const isCandidate = new Set(candidates.places)
    const starts = request.units
      .map((u) => request.graphs[u.mode]!)
      .map((g, i) => {
        const s = request.units[i].start.segment
        return [g.midLon[s], g.midLat[s]] as const
      })
    const exploration = sampleExploration({
      placeLon: lon,
      placeLat: lat,
      eligible: (place) => allowed(place) && !isCandidate.has(place),
      area: areaOf([...Array.from(candidates.places, (p) => [lon[p], lat[p]] as const), ...starts]),
      count: Math.ceil(2 * share * estimatedStops) + 2,
      random: mulberry32(request.seed ^ 0x5eed),
    })
    candidates = withExploration(candidates, exploration)
  }
  const positions = request.units.map((u) => ({ start: u.start, end: u.end ?? u.start }))
  const tables = graphs.map((graph, g) =>
    buildEdgeTable(
      graph,
      candidates.places,
      positions.filter((_, i) => request.units[i].mode === modes[g]),
    ),
  )
  const problemUnits: ProblemUnit[] = request.units.map((unit, i) => {
    const group = modes.indexOf(unit.mode)
    return {
      id: unit.id,
      group,
      legs: unitLegs(tables[group], positions[i].start, positions[i].end),
    }
  })
  const prize = new Float64Array(candidates.places.length * buckets.count)
  candidates.places.forEach((place, cp) => {
    for (let k = 0; k < buckets.count; k++) prize[cp * buckets.count + k] = rows[k][place]
  })
  const problem: Problem = {
    buckets,
    dwellS,
    minGapS: 60 * (request.minRevisitMinutes ?? DEFAULT_MIN_REVISIT_MINUTES),
    maxDwells: request.maxDwellsPerPlace ?? hourly.count,
    explorationShare: share,
    candidates,
    prize,
    tables,
    edgeDwellS: tables.map((t) =>
      Float64Array.from(t.segment, (s) => Math.max(dwellS, t.graph.travelS[s])),
    ),
    units: problemUnits,
  }
  const unreachable = unreachablePlaces(problem)
  const bound = teleportBound(
    hourRows,
    hourly,
    units,
    dwellS,
    (p) => allowed(p) && !unreachable.has(p),
  )
  return { problem, bound, modes, unreachable, warnings }
}

/**
 * Candidate places no unit can dwell on and still get back by the shift end (another component,
 * or beyond reach): no plan collects them, so the teleport bound leaves them out too. Places that
 * are not candidates are not checked (the bound stays an upper bound).
 */
function unreachablePlaces(problem: Problem): Set<number> {
  const out = new Set<number>()
  problem.candidates.places.forEach((place, cp) => {
    const reachable = problem.units.some((unit) => {
      const table = problem.tables[unit.group]
      const dwell = problem.edgeDwellS[unit.group]
      return Array.from(table.edgesOfCp[cp]).some(
        (e) => unit.legs.startS[e] + dwell[e] + unit.legs.endS[e] <= problem.buckets.shiftS,
      )
    })
    if (!reachable) out.add(place)
  })
  return out
}

function sumRows(rows: ReadonlyArray<ArrayLike<number>>, places: number): Float64Array {
  const sum = new Float64Array(places)
  for (const row of rows) for (let p = 0; p < places; p++) sum[p] += row[p]
  return sum
}

function placePoints(graphs: ReadonlyArray<PlanGraph>, places: number) {
  const mapped = new Uint8Array(places)
  const lon = new Float64Array(places).fill(NaN)
  const lat = new Float64Array(places).fill(NaN)
  for (const graph of graphs) {
    for (let s = 0; s < graph.segmentCount; s++) {
      const p = graph.placeOf[s]
      if (p < 0 || mapped[p]) continue
      mapped[p] = 1
      lon[p] = graph.midLon[s]
      lat[p] = graph.midLat[s]
    }
  }
  return { mapped, lon, lat }
}

function areaOf(
  points: ReadonlyArray<readonly [number, number]>,
): [number, number, number, number] {
  const pad = EXPLORE_CELL_M / 111_320
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of points) {
    if (Number.isNaN(x)) continue
    w = Math.min(w, x)
    e = Math.max(e, x)
    s = Math.min(s, y)
    n = Math.max(n, y)
  }
  return [w - pad, s - pad, e + pad, n + pad]
}
