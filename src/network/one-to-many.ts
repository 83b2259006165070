import FlatQueue from 'flatqueue'
import { routeOf } from './find-route.js'
import { NO_ROUTE, stepCost, type RouteResult, type RouteStep } from './route.js'
import type { StreetGraph } from './street-graph.js'
import { directStep, sourceSeeds, targetSeeds, type Seed, type Waypoint } from './waypoint.js'

/** Shortest costs from one waypoint to many (a row of a travel-time table). */
export interface RouteTable {
  /** costs[i]: cost to targets[i] in the graph's weight units; Infinity when unreachable. */
  readonly costs: Float64Array
  /** The route behind costs[i] (same cost); NO_ROUTE when unreachable. */
  routeTo(i: number): RouteResult
}

/**
 * One-to-many shortest routes: one Dijkstra over the graph from `from`, stopped once every target
 * is settled. Costs equal findRoute's for each pair (both sum step costs in travel order).
 * Throws RangeError for waypoints not in the graph.
 */
export function findRoutesFrom(
  graph: StreetGraph,
  from: Waypoint,
  targets: readonly Waypoint[],
): RouteTable {
  const sources = sourceSeeds(graph, from)
  const ends = targets.map((to) => targetSeeds(graph, to))
  const { dist, parent } = dijkstra(
    graph,
    sources,
    new Set(ends.flatMap((s) => s.map((e) => e.node))),
  )
  const costs = new Float64Array(targets.length)
  const chosen: Array<Seed | RouteStep | undefined> = []
  targets.forEach((to, i) => {
    let best = Infinity
    let pick: Seed | RouteStep | undefined
    for (const seed of ends[i]!) {
      const cost = dist[seed.node]! + seed.cost
      if (cost < best) {
        best = cost
        pick = seed
      }
    }
    const direct = directStep(graph, from, to)
    if (direct !== undefined && stepCost(graph, direct) <= best) {
      best = stepCost(graph, direct)
      pick = direct
    }
    costs[i] = best
    chosen.push(pick)
  })
  const routeTo = (i: number): RouteResult => {
    const pick = chosen[i]
    if (pick === undefined) return NO_ROUTE
    if (!('node' in pick)) return routeOf(graph, [pick])
    return routeOf(graph, pathSteps(graph, sources, parent, pick), pick.node)
  }
  return { costs, routeTo }
}

function pathSteps(
  graph: StreetGraph,
  sources: readonly Seed[],
  parent: Int32Array,
  end: Seed,
): RouteStep[] {
  const reversed: RouteStep[] = end.step === null ? [] : [end.step]
  let v = end.node
  while (parent[v]! >= 0) {
    const e = parent[v]!
    const segment = graph.edgeStep[e]! >>> 1
    const forward = (graph.edgeStep[e]! & 1) === 0
    const length = graph.segmentLengthM[segment]!
    reversed.push({ segment, forward, fromM: forward ? 0 : length, toM: forward ? length : 0 })
    v = forward ? graph.segmentFrom[segment]! : graph.segmentTo[segment]!
  }
  const first = sources[-parent[v]! - 1]!.step
  if (first !== null) reversed.push(first)
  return reversed.reverse()
}

/** Dijkstra from seeds until every node in `stopAfter` is settled; parent = base edge or -(seed+1). */
function dijkstra(
  graph: StreetGraph,
  seeds: readonly Seed[],
  stopAfter: ReadonlySet<number>,
): { dist: Float64Array; parent: Int32Array } {
  const dist = new Float64Array(graph.nodeCount).fill(Infinity)
  const parent = new Int32Array(graph.nodeCount)
  const queue = new FlatQueue<number>()
  seeds.forEach((seed, i) => {
    if (seed.cost >= dist[seed.node]!) return
    dist[seed.node] = seed.cost
    parent[seed.node] = -i - 1
    queue.push(seed.node, seed.cost)
  })
  const { firstOut, edgeHead, edgeCost } = graph
  let left = stopAfter.size
  while (queue.length > 0 && left > 0) {
    const d = queue.peekValue()!
    const v = queue.pop()!
    if (d > dist[v]!) continue
    if (stopAfter.has(v)) left--
    for (let e = firstOut[v]!; e < firstOut[v + 1]!; e++) {
      const w = edgeHead[e]!
      const nd = d + edgeCost[e]!
      if (nd >= dist[w]!) continue
      dist[w] = nd
      parent[w] = e
      queue.push(w, nd)
    }
  }
  return { dist, parent }
}
