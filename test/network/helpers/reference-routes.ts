import FlatQueue from 'flatqueue'
import type { Node } from 'ngraph.graph'
import type { NgraphStreetGraph } from '../../../src/network/ngraph-adapter.js'
import type { StreetSegment } from '../../../src/network/street-segment.js'

/** Seconds for a whole segment, as the graph defines it. */
const fullCost = (s: StreetSegment) => s.lengthM / (s.speedKmh / 3.6)
const partCost = (s: StreetSegment, m: number) =>
  s.lengthM > 0 ? (fullCost(s) * m) / s.lengthM : 0

/**
 * A plain Dijkstra over segment records keyed by OSM node id, written without the graph code:
 * the reference the router's costs are checked against.
 */
export function referenceRoutes(segments: readonly StreetSegment[]) {
  const out = new Map<number, Array<[number, number]>>()
  const link = (a: number, b: number, cost: number) => {
    if (!out.has(a)) out.set(a, [])
    out.get(a)!.push([b, cost])
  }
  for (const s of segments) {
    link(s.fromNodeId, s.toNodeId, fullCost(s))
    if (!s.oneway) link(s.toNodeId, s.fromNodeId, fullCost(s))
  }
  const from = (seeds: ReadonlyArray<readonly [number, number]>): Map<number, number> => {
    const dist = new Map<number, number>()
    const queue = new FlatQueue<number>()
    for (const [node, cost] of seeds) {
      if (cost < (dist.get(node) ?? Infinity)) {
        dist.set(node, cost)
        queue.push(node, cost)
      }
    }
    while (queue.length > 0) {
      const d = queue.peekValue()!
      const v = queue.pop()!
      if (d > dist.get(v)!) continue
      for (const [w, c] of out.get(v) ?? []) {
        if (d + c < (dist.get(w) ?? Infinity)) {
          dist.set(w, d + c)
          queue.push(w, d + c)
        }
      }
    }
    return dist
  }
  return {
    /** Shortest cost between two OSM nodes (Infinity if none). */
    nodeCost: (a: number, b: number) => from([[a, 0]]).get(b) ?? Infinity,
    /** Shortest costs from a position to positions (segment index into `segments`, offset m), no mid-segment turns. */
    positionCosts(
      a: { segment: number; offsetM: number },
      targets: ReadonlyArray<{ segment: number; offsetM: number }>,
    ): number[] {
      const sa = segments[a.segment]!
      const starts: Array<[number, number]> = [[sa.toNodeId, partCost(sa, sa.lengthM - a.offsetM)]]
      if (!sa.oneway) starts.push([sa.fromNodeId, partCost(sa, a.offsetM)])
      const dist = from(starts)
      return targets.map((b) => {
        const sb = segments[b.segment]!
        let best = (dist.get(sb.fromNodeId) ?? Infinity) + partCost(sb, b.offsetM)
        if (!sb.oneway) {
          const back = (dist.get(sb.toNodeId) ?? Infinity) + partCost(sb, sb.lengthM - b.offsetM)
          best = Math.min(best, back)
        }
        if (a.segment === b.segment && (b.offsetM >= a.offsetM || !sa.oneway)) {
          best = Math.min(best, partCost(sa, Math.abs(b.offsetM - a.offsetM)))
        }
        return best
      })
    },
  }
}

/**
 * Cost of an ngraph.path result re-summed link by link in travel order (the finders return the
 * target first); Infinity if two consecutive nodes have no link in travel direction.
 */
export function ngraphPathCost(ng: NgraphStreetGraph, path: ReadonlyArray<Node>): number {
  if (path.length === 0) return Infinity
  const nodes = [...path].reverse()
  let cost = 0
  for (let i = 1; i < nodes.length; i++) {
    let step = Infinity
    ng.forEachLinkedNode(
      nodes[i - 1]!.id,
      (other, link) => {
        if (other.id === nodes[i]!.id && link.fromId === nodes[i - 1]!.id) {
          step = Math.min(step, link.data.cost)
        }
      },
      true,
    )
    cost += step
  }
  return cost
}
