import { contractGraph, type ContractionHierarchy } from './contraction.js'
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
 * Pass segments in a stable order (e.g. by id): segment indexes follow it. Throws on a segment
 * with fewer than two points or a non-positive speed.
 */
export function buildStreetGraph(
  segments: readonly StreetSegment[],
  options: StreetGraphOptions = {},
): StreetGraph {
  const base = buildBaseGraph(segments, options)
  return { ...base, hierarchy: contractGraph(base) }
}

/** The graph without its hierarchy (for searches that only need the CSR). */
export type BaseGraph = Omit<StreetGraph, 'hierarchy'>

/** Builds the CSR part of buildStreetGraph; exposed so benches can time the phases apart. */
export function buildBaseGraph(
  segments: readonly StreetSegment[],
  options: StreetGraphOptions = {},
): BaseGraph {
  const weight = options.weight ?? 'time'
  const nodeOsmIds = Float64Array.from(
    new Set(segments.flatMap((s) => [s.fromNodeId, s.toNodeId])),
  ).sort()
  const nodeCount = nodeOsmIds.length
  const nodeOf = new Map<number, number>()
  nodeOsmIds.forEach((id, i) => nodeOf.set(id, i))
  const s = segmentArrays(segments, weight, nodeOf)
  const nodeLon = new Float64Array(nodeCount)
  const nodeLat = new Float64Array(nodeCount)
  const degree = new Uint32Array(nodeCount + 1)
  let maxSpeed = 0
  segments.forEach((segment, i) => {
    const points = segment.geometry
    nodeLon[s.from[i]!] = points[0]![0]
    nodeLat[s.from[i]!] = points[0]![1]
    nodeLon[s.to[i]!] = points[points.length - 1]![0]
    nodeLat[s.to[i]!] = points[points.length - 1]![1]
    degree[s.from[i]!]!++
    if (!segment.oneway) degree[s.to[i]!]!++
    maxSpeed = Math.max(maxSpeed, weight === 'time' ? segment.speedKmh / 3.6 : 1)
  })
  const firstOut = new Uint32Array(nodeCount + 1)
  for (let v = 0; v < nodeCount; v++) firstOut[v + 1] = firstOut[v]! + degree[v]!
  const edgeCount = firstOut[nodeCount]!
  const edgeHead = new Uint32Array(edgeCount)
  const edgeCost = new Float64Array(edgeCount)
  const edgeStep = new Uint32Array(edgeCount)
  const next = firstOut.slice(0, nodeCount)
  const addEdge = (tail: number, head: number, cost: number, step: number) => {
    const e = next[tail]!++
    edgeHead[e] = head
    edgeCost[e] = cost
    edgeStep[e] = step
  }
  for (let i = 0; i < segments.length; i++) {
    addEdge(s.from[i]!, s.to[i]!, s.cost[i]!, 2 * i)
    if (s.oneway[i] === 0) addEdge(s.to[i]!, s.from[i]!, s.cost[i]!, 2 * i + 1)
  }
  return {
    weight,
    nodeCount,
    nodeOsmIds,
    nodeLon,
    nodeLat,
    firstOut,
    edgeHead,
    edgeCost,
    edgeStep,
    segmentCount: segments.length,
    segmentIds: segments.map((segment) => segment.id),
    segmentFrom: s.from,
    segmentTo: s.to,
    segmentLengthM: s.lengthM,
    segmentCost: s.cost,
    segmentOneway: s.oneway,
    geometryStart: s.geometryStart,
    coords: s.coords,
    maxSpeed,
  }
}

function segmentArrays(
  segments: readonly StreetSegment[],
  weight: Weight,
  nodeOf: ReadonlyMap<number, number>,
) {
  const n = segments.length
  const from = new Uint32Array(n)
  const to = new Uint32Array(n)
  const lengthM = new Float64Array(n)
  const cost = new Float64Array(n)
  const oneway = new Uint8Array(n)
  const geometryStart = new Uint32Array(n + 1)
  for (let i = 0; i < n; i++) {
    geometryStart[i + 1] = geometryStart[i]! + segments[i]!.geometry.length
  }
  const coords = new Float64Array(2 * geometryStart[n]!)
  segments.forEach((segment, i) => {
    if (segment.geometry.length < 2 || !(segment.speedKmh > 0)) {
      throw new Error(
        `Segment ${segment.id} has ${segment.geometry.length} points and speed ${segment.speedKmh} km/h; a segment needs two points and a positive speed - re-import the network.`,
      )
    }
    from[i] = nodeOf.get(segment.fromNodeId)!
    to[i] = nodeOf.get(segment.toNodeId)!
    lengthM[i] = segment.lengthM
    cost[i] = weight === 'time' ? segment.lengthM / (segment.speedKmh / 3.6) : segment.lengthM
    oneway[i] = segment.oneway ? 1 : 0
    let k = 2 * geometryStart[i]!
    for (const [lon, lat] of segment.geometry) {
      coords[k++] = lon
      coords[k++] = lat
    }
  })
  return { from, to, lengthM, cost, oneway, geometryStart, coords }
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
