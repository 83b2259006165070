import type { ContractionHierarchy } from './contraction.js'
import { StreetGraphBuilder } from './street-graph-builder.js'
import type { StreetSegment } from './street-segment.js'

/** What an edge costs: 'time' = seconds at the segment's speed, 'length' = metres. */
export type Weight = 'time' | 'length'

/**
 * A routing graph for one mode, rebuilt from segment records alone. Nodes are the segment end
 * points numbered 0..nodeCount-1 in ascending OSM node id; segment i is `segments[i]` of the
 * input. Directed edges are in CSR form (out-edges of node v are firstOut[v]..firstOut[v+1]-1);
 * each knows its segment and direction, and parallel segments stay separate edges.
 */
export interface StreetGraph {
  readonly weight: Weight
  readonly nodeCount: number
  /** Ascending OSM node ids; `nodeLon`/`nodeLat` (degrees) are aligned. */
  readonly nodeOsmIds: Float64Array
  readonly nodeLon: Float64Array
  readonly nodeLat: Float64Array
  readonly firstOut: Uint32Array
  readonly edgeHead: Uint32Array
  /** Edge cost in `weight` units. */
  readonly edgeCost: Float64Array
  /** `2 * segment + (backward ? 1 : 0)`. */
  readonly edgeStep: Uint32Array
  readonly segmentCount: number
  readonly segmentIds: readonly string[]
  readonly segmentFrom: Uint32Array
  readonly segmentTo: Uint32Array
  readonly segmentLengthM: Float64Array
  /** Cost of the whole segment in `weight` units. */
  readonly segmentCost: Float64Array
  readonly segmentOneway: Uint8Array
  /** Points of segment i are coords[2 * geometryStart[i] ..< 2 * geometryStart[i + 1]] as lon, lat. */
  readonly geometryStart: Uint32Array
  readonly coords: Float64Array
  /** Fastest speed in the graph, metres per weight unit (bounds straight-line heuristics). */
  readonly maxSpeed: number
  /** The contraction hierarchy the point-to-point search runs on. */
  readonly hierarchy: ContractionHierarchy
}

/** Options of buildStreetGraph. */
export interface StreetGraphOptions {
  /** Default 'time'. */
  readonly weight?: Weight
}

/**
 * Segment records (as the database returns them) → a ready routing graph, contraction included.
 * Pass segments in a stable order (e.g. by id): segment indexes follow it. To keep memory low,
 * feed pages of records to a StreetGraphBuilder instead and drop each page. Throws on a segment
 * with fewer than two points or a non-positive speed.
 */
export function buildStreetGraph(
  segments: Iterable<StreetSegment>,
  options: StreetGraphOptions = {},
): StreetGraph {
  return new StreetGraphBuilder(options).addAll(segments).finish()
}

/** The graph without its hierarchy (for searches that only need the CSR). */
export type BaseGraph = Omit<StreetGraph, 'hierarchy'>

/** Builds the CSR part of buildStreetGraph; exposed so benches can time the phases apart. */
export function buildBaseGraph(
  segments: Iterable<StreetSegment>,
  options: StreetGraphOptions = {},
): BaseGraph {
  return new StreetGraphBuilder(options).addAll(segments).finishBase()
}

/** Index of the node with this OSM id, or -1. */
export function nodeIndexOf(graph: Pick<StreetGraph, 'nodeOsmIds'>, osmId: number): number {
  const ids = graph.nodeOsmIds
  let lo = 0
  let hi = ids.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (ids[mid]! < osmId) lo = mid + 1
    else if (ids[mid]! > osmId) hi = mid - 1
    else return mid
  }
  return -1
}

const segmentIndexes = new WeakMap<BaseGraph, Map<string, number>>()

/** Index of the segment with this id, or -1. The id map is built on first use. */
export function segmentIndexOf(graph: BaseGraph, id: string): number {
  let map = segmentIndexes.get(graph)
  if (map === undefined) {
    map = new Map(graph.segmentIds.map((segmentId, i) => [segmentId, i]))
    segmentIndexes.set(graph, map)
  }
  return map.get(id) ?? -1
}
