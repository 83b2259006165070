import { contractGraph } from './contraction.js'
import type { BaseGraph, StreetGraph, StreetGraphOptions } from './street-graph.js'
import type { StreetSegment } from './street-segment.js'

/**
 * Builds a StreetGraph from segment records given one at a time (add … finish), copying each
 * into compact columns, so a caller can page records out of a database and drop every page:
 * the records never need to be in memory all at once.
 */
export class StreetGraphBuilder {
  private readonly weight
  private ids: string[] = []
  private fromId = new Float64Array(1024)
  private toId = new Float64Array(1024)
  private lengthM = new Float64Array(1024)
  private cost = new Float64Array(1024)
  private oneway = new Uint8Array(1024)
  private geometryStart = new Uint32Array(1025)
  private coords = new Float64Array(8192)
  private points = 0
  private maxSpeed = 0
  private finished = false

  constructor(options: StreetGraphOptions = {}) {
    this.weight = options.weight ?? 'time'
  }

  /** Adds one segment; its index is the number of segments added before it. */
  add(segment: StreetSegment): this {
    if (this.finished)
      throw new Error('This builder has finished - create a new StreetGraphBuilder.')
    const { geometry, speedKmh, lengthM } = segment
    if (geometry.length < 2 || !(speedKmh > 0) || !(lengthM >= 0)) {
      throw new Error(
        `Segment ${segment.id} has ${geometry.length} points, length ${lengthM} m and speed ${speedKmh} km/h; a segment needs two points and a positive speed - re-import the network.`,
      )
    }
    const i = this.ids.length
    if (i + 1 >= this.fromId.length) this.growSegments()
    while (2 * (this.points + geometry.length) > this.coords.length)
      this.coords = grown(this.coords)
    this.ids.push(segment.id)
    this.fromId[i] = segment.fromNodeId
    this.toId[i] = segment.toNodeId
    this.lengthM[i] = lengthM
    this.cost[i] = this.weight === 'time' ? lengthM / (speedKmh / 3.6) : lengthM
    this.oneway[i] = segment.oneway ? 1 : 0
    this.maxSpeed = Math.max(this.maxSpeed, this.weight === 'time' ? speedKmh / 3.6 : 1)
    for (const [lon, lat] of geometry) {
      this.coords[2 * this.points] = lon
      this.coords[2 * this.points + 1] = lat
      this.points++
    }
    this.geometryStart[i + 1] = this.points
    return this
  }

  addAll(segments: Iterable<StreetSegment>): this {
    for (const segment of segments) this.add(segment)
    return this
  }

  /** The graph with its contraction hierarchy (most of the build time). */
  finish(): StreetGraph {
    const base = this.finishBase()
    return { ...base, hierarchy: contractGraph(base) }
  }

  /** The CSR graph without the hierarchy. */
  finishBase(): BaseGraph {
    this.finished = true
    const n = this.ids.length
    const nodeOsmIds = uniqueSorted(this.fromId.subarray(0, n), this.toId.subarray(0, n))
    const nodeCount = nodeOsmIds.length
    const from = new Uint32Array(n)
    const to = new Uint32Array(n)
    const nodeLon = new Float64Array(nodeCount)
    const nodeLat = new Float64Array(nodeCount)
    const degree = new Uint32Array(nodeCount)
    const { coords, geometryStart } = this
    for (let i = 0; i < n; i++) {
      from[i] = indexIn(nodeOsmIds, this.fromId[i]!)
      to[i] = indexIn(nodeOsmIds, this.toId[i]!)
      const first = geometryStart[i]!
      const last = geometryStart[i + 1]! - 1
      nodeLon[from[i]!] = coords[2 * first]!
      nodeLat[from[i]!] = coords[2 * first + 1]!
      nodeLon[to[i]!] = coords[2 * last]!
      nodeLat[to[i]!] = coords[2 * last + 1]!
      degree[from[i]!]!++
      if (this.oneway[i] === 0) degree[to[i]!]!++
    }
    const firstOut = new Uint32Array(nodeCount + 1)
    for (let v = 0; v < nodeCount; v++) firstOut[v + 1] = firstOut[v]! + degree[v]!
    const edgeHead = new Uint32Array(firstOut[nodeCount]!)
    const edgeCost = new Float64Array(edgeHead.length)
    const edgeStep = new Uint32Array(edgeHead.length)
    const next = firstOut.slice(0, nodeCount)
    const cost = this.cost
    for (let i = 0; i < n; i++) {
      let e = next[from[i]!]!++
      edgeHead[e] = to[i]!
      edgeCost[e] = cost[i]!
      edgeStep[e] = 2 * i
      if (this.oneway[i] === 1) continue
      e = next[to[i]!]!++
      edgeHead[e] = from[i]!
      edgeCost[e] = cost[i]!
      edgeStep[e] = 2 * i + 1
    }
    return {
      weight: this.weight,
      nodeCount,
      nodeOsmIds,
      nodeLon,
      nodeLat,
      firstOut,
      edgeHead,
      edgeCost,
      edgeStep,
      segmentCount: n,
      segmentIds: this.ids,
      segmentFrom: from,
      segmentTo: to,
      segmentLengthM: this.lengthM.slice(0, n),
      segmentCost: cost.slice(0, n),
      segmentOneway: this.oneway.slice(0, n),
      geometryStart: this.geometryStart.slice(0, n + 1),
      coords: this.coords.slice(0, 2 * this.points),
      maxSpeed: this.maxSpeed,
    }
  }

  private growSegments(): void {
    this.fromId = grown(this.fromId)
    this.toId = grown(this.toId)
    this.lengthM = grown(this.lengthM)
    this.cost = grown(this.cost)
    this.oneway = grown(this.oneway)
    this.geometryStart = grown(this.geometryStart)
  }
}

function grown<T extends Float64Array | Uint32Array | Uint8Array>(array: T): T {
  const next = new (array.constructor as new (n: number) => T)(array.length * 2)
  next.set(array)
  return next
}

function uniqueSorted(a: Float64Array, b: Float64Array): Float64Array {
  const all = new Float64Array(a.length + b.length)
  all.set(a)
  all.set(b, a.length)
  all.sort()
  let k = 0
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[k++] = all[i]!
  return all.slice(0, k)
}

function indexIn(sorted: Float64Array, id: number): number {
  let lo = 0
  let hi = sorted.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < id) lo = mid + 1
    else if (sorted[mid]! > id) hi = mid - 1
    else return mid
  }
  return -1
}
