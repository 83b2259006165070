import createGraph, { type Graph, type Node } from 'ngraph.graph'
import type { PathFinderOptions } from 'ngraph.path'
import { haversineM, type StreetGraph } from '../../src/network/index.js'

interface Position {
  readonly lon: number
  readonly lat: number
}

/**
 * The ngraph.graph routing-peers.md timed: not a multigraph, link data = the cost (a number),
 * the cheapest of parallel edges kept (ngraph would keep the last one added).
 */
export function peerNgraph(graph: StreetGraph): Graph<Position, number> {
  const ng = createGraph<Position, number>()
  for (let v = 0; v < graph.nodeCount; v++) {
    ng.addNode(v, { lon: graph.nodeLon[v]!, lat: graph.nodeLat[v]! })
  }
  for (let v = 0; v < graph.nodeCount; v++) {
    for (let e = graph.firstOut[v]!; e < graph.firstOut[v + 1]!; e++) {
      const w = graph.edgeHead[e]!
      const existing = ng.getLink(v, w)
      if (existing === undefined || graph.edgeCost[e]! < existing.data) {
        ng.addLink(v, w, graph.edgeCost[e]!)
      }
    }
  }
  return ng
}

export function peerFinderOptions(graph: StreetGraph): PathFinderOptions<Position, number> {
  const speed = graph.maxSpeed
  return {
    oriented: true,
    distance: (_a, _b, link) => link.data,
    heuristic: (a: Node<Position>, b: Node<Position>) =>
      haversineM(a.data.lon, a.data.lat, b.data.lon, b.data.lat) / speed,
  }
}

/** Re-sums a peer ngraph path (target first) link by link in travel order; Infinity on a missing link. */
export function peerPathCost(
  ng: Graph<Position, number>,
  path: ReadonlyArray<Node<Position>>,
): number {
  if (path.length === 0) return Infinity
  let cost = 0
  for (let i = path.length - 1; i > 0; i--) {
    const link = ng.getLink(path[i]!.id, path[i - 1]!.id)
    cost += link === undefined ? Infinity : link.data
  }
  return cost
}
