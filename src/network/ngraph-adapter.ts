import createGraph, { type Graph, type Node } from 'ngraph.graph'
import type { PathFinderOptions } from 'ngraph.path'
import { haversineM } from './haversine.js'
import type { StreetGraph } from './street-graph.js'

/** Node data of the ngraph view: the intersection's position in degrees. */
export interface Intersection {
  readonly lon: number
  readonly lat: number
}

/** Link data of the ngraph view: one directed edge of the street graph. */
export interface SegmentLink {
  /** In the graph's weight units. */
  readonly cost: number
  readonly segment: number
  readonly forward: boolean
}

/** The street graph as an ngraph.graph: node ids are node indexes. */
export type NgraphStreetGraph = Graph<Intersection, SegmentLink>

/**
 * The street graph as an ngraph.graph multigraph, one link per directed edge (so parallel
 * segments stay apart; a plain ngraph.graph would overwrite them). For tests and benches that
 * run ngraph.path on the same graph; use with ngraphFinderOptions (oriented: true).
 */
export function toNgraph(graph: StreetGraph): NgraphStreetGraph {
  const ng = createGraph<Intersection, SegmentLink>({ multigraph: true })
  for (let v = 0; v < graph.nodeCount; v++) {
    ng.addNode(v, { lon: graph.nodeLon[v]!, lat: graph.nodeLat[v]! })
  }
  for (let v = 0; v < graph.nodeCount; v++) {
    for (let e = graph.firstOut[v]!; e < graph.firstOut[v + 1]!; e++) {
      const step = graph.edgeStep[e]!
      ng.addLink(v, graph.edgeHead[e]!, {
        cost: graph.edgeCost[e]!,
        segment: step >>> 1,
        forward: (step & 1) === 0,
      })
    }
  }
  return ng
}

/**
 * ngraph.path options for toNgraph's graph: oriented (one-ways hold), cost from link data (the
 * finders disagree on argument order, so only the link is read) and a straight-line heuristic
 * divided by the graph's top speed, which never overestimates.
 */
export function ngraphFinderOptions(
  graph: StreetGraph,
): PathFinderOptions<Intersection, SegmentLink> {
  const speed = graph.maxSpeed
  return {
    oriented: true,
    distance: (_a, _b, link) => link.data.cost,
    heuristic: (a: Node<Intersection>, b: Node<Intersection>) =>
      haversineM(a.data.lon, a.data.lat, b.data.lon, b.data.lat) / speed,
  }
}
