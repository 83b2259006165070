import type { StreetGraph } from './street-graph.js'
import type { LonLat } from './street-segment.js'
import { haversineM } from './haversine.js'

/**
 * One directed piece of a route: along segment `segment` from offset `fromM` to `toM` (metres from
 * the segment's first point). Forward steps have fromM ≤ toM; only the first and last step of a
 * route may cover part of a segment.
 */
export interface RouteStep {
  readonly segment: number
  readonly forward: boolean
  readonly fromM: number
  readonly toM: number
}

/** A shortest route. `cost` is in the graph's weight units (seconds for 'time'). */
export interface Route {
  readonly status: 'found'
  readonly cost: number
  readonly lengthM: number
  /** Never empty between positions (a zero-length route keeps one empty step for its point). */
  readonly steps: readonly RouteStep[]
  /** Set only on a route without steps (from a node to itself): that node. */
  readonly node?: number
}

/** No route: the target cannot be reached (another component, or only against one-ways). */
export interface NoRoute {
  readonly status: 'unreachable'
  readonly cost: number
  readonly lengthM: number
  readonly steps: readonly RouteStep[]
}

/** The frozen "no route" value: cost and length are Infinity, no steps. */
export const NO_ROUTE: NoRoute = Object.freeze({
  status: 'unreachable',
  cost: Infinity,
  lengthM: Infinity,
  steps: Object.freeze([]) as readonly RouteStep[],
})

/** A found route or NO_ROUTE. */
export type RouteResult = Route | NoRoute

/** Cost of travelling a step, in weight units: proportional to the part of the segment covered. */
export function stepCost(graph: StreetGraph, step: RouteStep): number {
  const length = graph.segmentLengthM[step.segment]!
  const part = Math.abs(step.toM - step.fromM)
  if (part === length) return graph.segmentCost[step.segment]!
  return length > 0 ? (graph.segmentCost[step.segment]! * part) / length : 0
}

/** GeoJSON geometry of a route. */
export interface LineString {
  readonly type: 'LineString'
  readonly coordinates: readonly LonLat[]
}

/**
 * The route as a GeoJSON LineString of [lon, lat] points, partial first and last steps cut at
 * their offsets. A route of zero length gives its one point twice; NO_ROUTE gives undefined.
 */
export function routeToLineString(graph: StreetGraph, route: RouteResult): LineString | undefined {
  if (route.status !== 'found') return undefined
  const coordinates: LonLat[] = []
  for (const step of route.steps) {
    for (const point of stepPoints(graph, step)) {
      const last = coordinates[coordinates.length - 1]
      if (last === undefined || last[0] !== point[0] || last[1] !== point[1])
        coordinates.push(point)
    }
  }
  if (coordinates.length === 0 && route.node !== undefined)
    coordinates.push([graph.nodeLon[route.node]!, graph.nodeLat[route.node]!])
  while (coordinates.length < 2 && coordinates.length > 0) coordinates.push(coordinates[0]!)
  return { type: 'LineString', coordinates }
}

/** Points of a step in travel order (interpolated at partial ends). */
function stepPoints(graph: StreetGraph, step: RouteStep): LonLat[] {
  const lo = Math.min(step.fromM, step.toM)
  const hi = Math.max(step.fromM, step.toM)
  const points = segmentSlice(graph, step.segment, lo, hi)
  return step.forward ? points : points.reverse()
}

/** The part of segment `segment` between offsets lo ≤ hi metres, as points in geometry order. */
export function segmentSlice(
  graph: StreetGraph,
  segment: number,
  lo: number,
  hi: number,
): LonLat[] {
  const { coords, geometryStart } = graph
  const first = geometryStart[segment]!
  const last = geometryStart[segment + 1]! - 1
  const out: LonLat[] = []
  let at = 0
  for (let i = first; i < last; i++) {
    const [x0, y0, x1, y1] = [
      coords[2 * i]!,
      coords[2 * i + 1]!,
      coords[2 * i + 2]!,
      coords[2 * i + 3]!,
    ]
    const d = haversineM(x0, y0, x1, y1)
    const end = at + d
    if (out.length === 0 && lo <= end) out.push(lerp(x0, y0, x1, y1, d, lo - at))
    if (out.length > 0) {
      if (hi <= end) {
        out.push(lerp(x0, y0, x1, y1, d, hi - at))
        return out
      }
      out.push([x1, y1])
    }
    at = end
  }
  // lo or hi past the end (rounding): the slice ends at the last point
  const end: LonLat = [coords[2 * last]!, coords[2 * last + 1]!]
  if (out.length === 0) out.push(end, end)
  return out
}

function lerp(x0: number, y0: number, x1: number, y1: number, d: number, t: number): LonLat {
  if (d <= 0 || t <= 0) return [x0, y0]
  if (t >= d) return [x1, y1]
  const f = t / d
  return [x0 + (x1 - x0) * f, y0 + (y1 - y0) * f]
}
