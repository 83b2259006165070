import FlatQueue from 'flatqueue'
import type { DirectedStep, PlanGraph, TravelMode } from '../../../src/routing/plan-graph.js'

/** The fields of a street segment a plain reference graph needs. */
export interface PlainSegment {
  readonly fromNodeId: number
  readonly toNodeId: number
  readonly lengthM: number
  readonly speedKmh: number
  readonly oneway: boolean
  readonly geometry?: ReadonlyArray<readonly [number, number]>
}

/**
 * A PlanGraph over a plain binary-heap Dijkstra: the reference the planner is checked against,
 * independent of the network core. Nodes are numbered in ascending id; place of segment i is i
 * unless `placeOf` says otherwise.
 */
export function dijkstraGraph(
  segments: ReadonlyArray<PlainSegment>,
  mode: TravelMode = 'drive',
  placeOf?: Int32Array,
): PlanGraph {
  // nodes numbered in ascending id, as the network core numbers them
  const ids = [...new Set(segments.flatMap((s) => [s.fromNodeId, s.toNodeId]))].sort(
    (a, b) => a - b,
  )
  const nodeIndex = new Map(ids.map((id, i) => [id, i]))
  const node = (id: number) => nodeIndex.get(id)!
  const segmentFrom = Int32Array.from(segments, (s) => node(s.fromNodeId))
  const segmentTo = Int32Array.from(segments, (s) => node(s.toNodeId))
  const nodes = nodeIndex.size
  const travelS = Float64Array.from(segments, (s) => s.lengthM / (s.speedKmh / 3.6))
  const out: number[][] = Array.from({ length: nodes }, () => [])
  segments.forEach((s, i) => {
    out[segmentFrom[i]].push(i * 2)
    if (!s.oneway) out[segmentTo[i]].push(i * 2 + 1)
  })
  const headOf = (edge: number) => (edge & 1 ? segmentFrom[edge >> 1] : segmentTo[edge >> 1])
  const search = (source: number, stopAt: (settled: number) => boolean) => {
    const dist = new Float64Array(nodes).fill(Infinity)
    const via = new Int32Array(nodes).fill(-1)
    const queue = new FlatQueue<number>()
    dist[source] = 0
    queue.push(source, 0)
    while (queue.length) {
      const d = queue.peekValue()!
      const v = queue.pop()!
      if (d > dist[v]) continue
      if (stopAt(v)) break
      for (const edge of out[v]) {
        const w = headOf(edge)
        const nd = d + travelS[edge >> 1]
        if (nd < dist[w]) {
          dist[w] = nd
          via[w] = edge
          queue.push(w, nd)
        }
      }
    }
    return { dist, via }
  }
  const mid = (s: PlainSegment, k: 0 | 1) => {
    const g = s.geometry
    return g && g.length ? (g[0][k] + g[g.length - 1][k]) / 2 : NaN
  }
  return {
    mode,
    segmentCount: segments.length,
    segmentFrom,
    segmentTo,
    oneway: Uint8Array.from(segments, (s) => (s.oneway ? 1 : 0)),
    lengthM: Float64Array.from(segments, (s) => s.lengthM),
    travelS,
    placeOf: placeOf ?? Int32Array.from(segments, (_, i) => i),
    midLon: Float64Array.from(segments, (s) => mid(s, 0)),
    midLat: Float64Array.from(segments, (s) => mid(s, 1)),
    costsFrom(source, targets) {
      const pending = new Set(targets)
      const { dist } = search(source, (v) => {
        pending.delete(v)
        return pending.size === 0
      })
      return Float64Array.from(targets, (t) => dist[t])
    },
    pathBetween(source, target) {
      const { dist, via } = search(source, (v) => v === target)
      if (dist[target] === Infinity) return undefined
      const steps: DirectedStep[] = []
      for (let v = target; v !== source;) {
        const edge = via[v]
        steps.push({ segment: edge >> 1, direction: edge & 1 ? 'backward' : 'forward' })
        v = edge & 1 ? segmentTo[edge >> 1] : segmentFrom[edge >> 1]
      }
      return steps.reverse()
    },
  }
}
