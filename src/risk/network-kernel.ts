import FlatQueue from 'flatqueue'
import type { RiskSegment } from './types.js'

/**
 * The spatial kernel of network prospective hot-spotting (Rosser et al. 2017), shortest-path
 * approximation (as open_cp's approximate predictor): from the midpoint of segment i, mass spreads
 * along the network with the linear kernel f(d) = (h − d)/h² (per metre), and at every junction it
 * passes it is split equally among the onward branches (divided by deg − 1). Segment j receives the
 * kernel at the network distance between the two midpoints along the shortest path (the larger value
 * when its two ends are reached with different splits). Dead ends stop the spread. Degrees count the
 * segments given (the scored network).
 */

/** Sparse rows: kernel weight from each source segment to the segments within the bandwidth. */
export interface NetworkKernel {
  readonly bandwidthM: number
  /** CSR offsets, length n + 1. */
  readonly rowStart: Uint32Array
  readonly targets: Uint32Array
  readonly weights: Float64Array
}

interface Topology {
  readonly nodeCount: number
  readonly ends: Uint32Array
  readonly degree: Uint32Array
  readonly incidentStart: Uint32Array
  readonly incident: Uint32Array
}

/**
 * Builds the kernel for bandwidth `bandwidthM` (metres).
 * @throws RangeError when a segment lacks `fromNodeId`/`toNodeId`.
 */
export function buildNetworkKernel(
  segments: ReadonlyArray<RiskSegment>,
  bandwidthM: number,
): NetworkKernel {
  if (!(bandwidthM > 0)) throw new RangeError(`Kernel bandwidth must be > 0 m, got ${bandwidthM}.`)
  const topology = buildTopology(segments)
  const n = segments.length
  const rowStart = new Uint32Array(n + 1)
  const targets: number[] = []
  const weights: number[] = []
  const dist = new Float64Array(topology.nodeCount).fill(Infinity)
  const split = new Float64Array(topology.nodeCount)
  const best = new Float64Array(n).fill(-1)
  const touched: number[] = []
  const touchedSegments: number[] = []
  const queue = new FlatQueue<number>()
  const h = bandwidthM
  const f = (d: number) => (h - d) / (h * h)
  for (let i = 0; i < n; i++) {
    const half = segments[i].lengthM / 2
    best[i] = f(0)
    touchedSegments.push(i)
    for (const end of [topology.ends[2 * i], topology.ends[2 * i + 1]]) {
      if (half < dist[end]) {
        if (dist[end] === Infinity) touched.push(end)
        dist[end] = half
        split[end] = 1
        queue.push(end, half)
      }
    }
    while (queue.length > 0) {
      const d = queue.peekValue() as number
      const node = queue.pop() as number
      // stale queue entry: the node was reached more cheaply since
      if (d > dist[node] || d >= h) continue
      const onward = topology.degree[node] - 1
      if (onward <= 0) continue
      const mass = split[node] / onward
      for (let k = topology.incidentStart[node]; k < topology.incidentStart[node + 1]; k++) {
        const j = topology.incident[k]
        if (j === i) continue
        const mid = d + segments[j].lengthM / 2
        if (mid < h) {
          const w = f(mid) * mass
          if (best[j] < 0) touchedSegments.push(j)
          if (w > best[j]) best[j] = w
        }
        const other =
          topology.ends[2 * j] === node ? topology.ends[2 * j + 1] : topology.ends[2 * j]
        const nd = d + segments[j].lengthM
        if (nd < dist[other] && nd < h) {
          if (dist[other] === Infinity) touched.push(other)
          dist[other] = nd
          split[other] = mass
          queue.push(other, nd)
        }
      }
    }
    touchedSegments.sort((a, b) => a - b)
    for (const j of touchedSegments) {
      targets.push(j)
      weights.push(best[j])
      best[j] = -1
    }
    rowStart[i + 1] = targets.length
    for (const node of touched) dist[node] = Infinity
    touched.length = 0
    touchedSegments.length = 0
  }
  return {
    bandwidthM,
    rowStart,
    targets: Uint32Array.from(targets),
    weights: Float64Array.from(weights),
  }
}

/** out[j] = Σ_i counts[i] · K(i → j). */
export function applyKernel(kernel: NetworkKernel, counts: Float64Array, out: Float64Array): void {
  out.fill(0)
  const { rowStart, targets, weights } = kernel
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]
    if (c === 0) continue
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) out[targets[k]] += c * weights[k]
  }
}

function buildTopology(segments: ReadonlyArray<RiskSegment>): Topology {
  const nodeIndex = new Map<string | number, number>()
  const ends = new Uint32Array(2 * segments.length)
  segments.forEach((s, i) => {
    if (s.fromNodeId === undefined || s.toNodeId === undefined) {
      throw new RangeError(
        `Segment ${s.id} has no end nodes - the network kernel needs fromNodeId/toNodeId on every segment.`,
      )
    }
    for (const [slot, id] of [s.fromNodeId, s.toNodeId].entries()) {
      let node = nodeIndex.get(id)
      if (node === undefined) {
        node = nodeIndex.size
        nodeIndex.set(id, node)
      }
      ends[2 * i + slot] = node
    }
  })
  const nodeCount = nodeIndex.size
  const degree = new Uint32Array(nodeCount)
  for (const end of ends) degree[end]++
  const incidentStart = new Uint32Array(nodeCount + 1)
  for (let v = 0; v < nodeCount; v++) incidentStart[v + 1] = incidentStart[v] + degree[v]
  const fill = incidentStart.slice(0, nodeCount)
  const incident = new Uint32Array(ends.length)
  for (let k = 0; k < ends.length; k++) incident[fill[ends[k]]++] = k >> 1
  return { nodeCount, ends, degree, incidentStart, incident }
}
