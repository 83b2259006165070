import {
  findRoute,
  findRoutesFrom,
  type NodeWaypoint,
  type StreetGraph,
  type StreetSegment,
} from '../network/index.js'
import { hierarchyCostTable } from './hierarchy-table.js'
import type { DirectedStep, PlanGraph, TravelMode } from './plan-graph.js'

/**
 * The planner's view of a network routing graph (built with weight 'time'). `placeOf` maps each
 * segment to a place (default: the segment index itself, when prizes are scored on this graph's
 * segments; see placesByWay for a foot graph scored on drive segments).
 * @throws RangeError for a graph weighted by length.
 */
export function planGraphOf(graph: StreetGraph, mode: TravelMode, placeOf?: Int32Array): PlanGraph {
  if (graph.weight !== 'time') {
    throw new RangeError(
      `The ${mode} graph is weighted by ${graph.weight} - build it with weight 'time' for planning.`,
    )
  }
  const n = graph.segmentCount
  const midLon = new Float64Array(n)
  const midLat = new Float64Array(n)
  for (let s = 0; s < n; s++) {
    // the middle vertex, or the mean of the two middle ones
    const first = graph.geometryStart[s]
    const span = graph.geometryStart[s + 1] - 1 - first
    const a = first + Math.floor(span / 2)
    const b = first + Math.ceil(span / 2)
    midLon[s] = (graph.coords[2 * a] + graph.coords[2 * b]) / 2
    midLat[s] = (graph.coords[2 * a + 1] + graph.coords[2 * b + 1]) / 2
  }
  return {
    mode,
    segmentCount: n,
    segmentFrom: Int32Array.from(graph.segmentFrom),
    segmentTo: Int32Array.from(graph.segmentTo),
    oneway: graph.segmentOneway,
    lengthM: graph.segmentLengthM,
    travelS: graph.segmentCost,
    placeOf: placeOf ?? Int32Array.from({ length: n }, (_, i) => i),
    midLon,
    midLat,
    segmentIds: graph.segmentIds,
    costsFrom(source, targets) {
      const waypoints: NodeWaypoint[] = Array.from(targets, (node) => ({ node }))
      return findRoutesFrom(graph, { node: source }, waypoints).costs
    },
    costTable: (sources, targets) => hierarchyCostTable(graph, sources, targets),
    pathBetween(source, target) {
      const route = findRoute(graph, { node: source }, { node: target })
      if (route.status !== 'found') return undefined
      return route.steps.map((step): DirectedStep => ({
        segment: step.segment,
        direction: step.forward ? 'forward' : 'backward',
      }))
    },
  }
}

/**
 * Maps the segments of one network (e.g. foot) onto the places of another (e.g. the drive
 * segments risk is scored on). Both cut the same OSM ways, so a segment's first piece (its first
 * two points) lies on exactly one place segment of its way; failing that (a way edited between
 * imports) the place segment of the way nearest its midpoint wins. −1 when the way has no place
 * (footways, paths).
 */
export function placesByWay(
  places: ReadonlyArray<StreetSegment>,
  segments: ReadonlyArray<StreetSegment>,
): Int32Array {
  const byWay = new Map<number, number[]>()
  const byPiece = new Map<string, number>()
  const key = (a: readonly number[], b: readonly number[]) => `${a[0]},${a[1]};${b[0]},${b[1]}`
  places.forEach((p, i) => {
    const list = byWay.get(p.wayId)
    if (list) list.push(i)
    else byWay.set(p.wayId, [i])
    for (let k = 1; k < p.geometry.length; k++) {
      byPiece.set(key(p.geometry[k - 1], p.geometry[k]), i)
      byPiece.set(key(p.geometry[k], p.geometry[k - 1]), i)
    }
  })
  return Int32Array.from(segments, (segment) => {
    const candidates = byWay.get(segment.wayId)
    if (!candidates) return -1
    const g = segment.geometry
    const piece = byPiece.get(key(g[0], g[1]))
    if (piece !== undefined && places[piece].wayId === segment.wayId) return piece
    const middle = g[Math.floor(g.length / 2)]
    let best = -1
    let bestD = Infinity
    for (const i of candidates) {
      for (const [x, y] of places[i].geometry) {
        const d = (x - middle[0]) ** 2 + (y - middle[1]) ** 2
        if (d < bestD) {
          bestD = d
          best = i
        }
      }
    }
    return best
  })
}
