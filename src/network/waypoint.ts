import { stepCost, type RouteStep } from './route.js'
import type { StreetGraph } from './street-graph.js'

/** A graph node (an intersection or way end), by node index. */
export interface NodeWaypoint {
  readonly node: number
}

/** A point on a segment: segment index and offset in metres from its first point (e.g. from snapping). */
export interface SegmentPosition {
  readonly segment: number
  readonly offsetM: number
}

/**
 * Where a route starts or ends. From a position a route leaves the segment forward (to its end
 * node) or, on a two-way segment, backward (to its start node); it never turns mid-segment.
 */
export type Waypoint = NodeWaypoint | SegmentPosition

/** A node a search starts (or ends) at, the cost to get there and the partial step that does it. */
export interface Seed {
  readonly node: number
  readonly cost: number
  readonly step: RouteStep | null
}

/** Seeds of a route's start: the node itself, or the ends of the position's segment it may leave by. */
export function sourceSeeds(graph: StreetGraph, from: Waypoint): Seed[] {
  if ('node' in from) return [{ node: checkNode(graph, from.node), cost: 0, step: null }]
  const { segment, offsetM } = checkPosition(graph, from)
  const length = graph.segmentLengthM[segment]!
  const ahead = { segment, forward: true, fromM: offsetM, toM: length }
  const seeds = [{ node: graph.segmentTo[segment]!, cost: stepCost(graph, ahead), step: ahead }]
  if (graph.segmentOneway[segment] === 0) {
    const back = { segment, forward: false, fromM: offsetM, toM: 0 }
    seeds.push({ node: graph.segmentFrom[segment]!, cost: stepCost(graph, back), step: back })
  }
  return seeds
}

/** Seeds of a route's end: the node itself, or the ends of the segment it may arrive by. */
export function targetSeeds(graph: StreetGraph, to: Waypoint): Seed[] {
  if ('node' in to) return [{ node: checkNode(graph, to.node), cost: 0, step: null }]
  const { segment, offsetM } = checkPosition(graph, to)
  const length = graph.segmentLengthM[segment]!
  const along = { segment, forward: true, fromM: 0, toM: offsetM }
  const seeds = [{ node: graph.segmentFrom[segment]!, cost: stepCost(graph, along), step: along }]
  if (graph.segmentOneway[segment] === 0) {
    const back = { segment, forward: false, fromM: length, toM: offsetM }
    seeds.push({ node: graph.segmentTo[segment]!, cost: stepCost(graph, back), step: back })
  }
  return seeds
}

/** The step between two positions on one segment without leaving it, when the direction allows. */
export function directStep(
  graph: StreetGraph,
  from: Waypoint,
  to: Waypoint,
): RouteStep | undefined {
  if ('node' in from || 'node' in to || from.segment !== to.segment) return undefined
  const a = clampOffset(graph, from)
  const b = clampOffset(graph, to)
  if (b >= a) return { segment: from.segment, forward: true, fromM: a, toM: b }
  if (graph.segmentOneway[from.segment] === 0) {
    return { segment: from.segment, forward: false, fromM: a, toM: b }
  }
  return undefined
}

function checkNode(graph: StreetGraph, node: number): number {
  if (!Number.isInteger(node) || node < 0 || node >= graph.nodeCount) {
    throw new RangeError(`Node ${node} is not in this graph (0..${graph.nodeCount - 1}).`)
  }
  return node
}

function checkPosition(graph: StreetGraph, position: SegmentPosition): SegmentPosition {
  const { segment } = position
  if (!Number.isInteger(segment) || segment < 0 || segment >= graph.segmentCount) {
    throw new RangeError(
      `Segment ${segment} is not in this graph (0..${graph.segmentCount - 1}) - rebuild the graph after re-importing the network.`,
    )
  }
  return { segment, offsetM: clampOffset(graph, position) }
}

/** Offsets a hair outside the segment (float rounding from snapping) are clamped; others throw. */
function clampOffset(graph: StreetGraph, { segment, offsetM }: SegmentPosition): number {
  const length = graph.segmentLengthM[segment]!
  if (!(offsetM >= -0.01 && offsetM <= length + 0.01)) {
    throw new RangeError(
      `Offset ${offsetM} m is outside segment ${segment} (0..${length} m) - take offsets from snapping.`,
    )
  }
  return Math.min(length, Math.max(0, offsetM))
}
