import FlatQueue from 'flatqueue'
import { NO_ROUTE, stepCost, type RouteResult, type RouteStep } from './route.js'
import type { StreetGraph } from './street-graph.js'
import { directStep, sourceSeeds, targetSeeds, type Seed, type Waypoint } from './waypoint.js'

/**
 * Exact shortest route between two waypoints on the graph's contraction hierarchy. `cost` is the
 * sum of the route's step costs in travel order (so it equals a plain Dijkstra's label for the
 * same path). Deterministic. Returns NO_ROUTE when the target is unreachable; throws RangeError
 * for a node, segment or offset that is not in the graph.
 */
export function findRoute(graph: StreetGraph, from: Waypoint, to: Waypoint): RouteResult {
  const sources = sourceSeeds(graph, from)
  const targets = targetSeeds(graph, to)
  const direct = directStep(graph, from, to)
  const search = searchOf(graph)
  const meet = search.run(sources, targets)
  const viaNodes = meet < 0 ? Infinity : search.best
  if (direct !== undefined && stepCost(graph, direct) <= viaNodes) return routeOf(graph, [direct])
  if (meet < 0) return NO_ROUTE
  return routeOf(graph, search.steps(meet, sources, targets), meet)
}

/**
 * Builds a route from steps, dropping empty partial end steps (all but the first when nothing
 * else is left, so a zero-length route keeps its point); cost summed in travel order. `node` is
 * where the route stays when it has no steps at all (a node to itself).
 */
export function routeOf(
  graph: StreetGraph,
  steps: readonly RouteStep[],
  node?: number,
): RouteResult {
  const last = steps.length - 1
  const kept = steps.filter(
    (s, i) =>
      !((i === 0 || i === last) && s.fromM === s.toM && graph.segmentLengthM[s.segment]! > 0),
  )
  if (kept.length === 0 && steps.length > 0) kept.push(steps[0]!)
  if (kept.length === 0 && node !== undefined) {
    return { status: 'found', cost: 0, lengthM: 0, steps: kept, node }
  }
  let cost = 0
  let lengthM = 0
  for (const step of kept) {
    cost += stepCost(graph, step)
    lengthM += Math.abs(step.toM - step.fromM)
  }
  return { status: 'found', cost, lengthM, steps: kept }
}

const searches = new WeakMap<StreetGraph, HierarchySearch>()

// query buffers are allocated once per graph: a query then allocates almost nothing
function searchOf(graph: StreetGraph): HierarchySearch {
  let search = searches.get(graph)
  if (search === undefined) {
    search = new HierarchySearch(graph)
    searches.set(graph, search)
  }
  return search
}

/** Bidirectional upward search with stall-on-demand; reusable buffers. */
class HierarchySearch {
  best = Infinity
  private readonly distF: Float64Array
  private readonly distB: Float64Array
  private readonly parentF: Int32Array
  private readonly parentB: Int32Array
  private readonly touched: number[] = []
  private readonly queueF = new FlatQueue<number>()
  private readonly queueB = new FlatQueue<number>()

  constructor(private readonly graph: StreetGraph) {
    this.distF = new Float64Array(graph.nodeCount).fill(Infinity)
    this.distB = new Float64Array(graph.nodeCount).fill(Infinity)
    this.parentF = new Int32Array(graph.nodeCount)
    this.parentB = new Int32Array(graph.nodeCount)
  }

  /** Returns the meeting node of the best path (-1 if none); `best` holds its cost. */
  run(sources: readonly Seed[], targets: readonly Seed[]): number {
    this.reset()
    const { distF, distB, queueF, queueB } = this
    const h = this.graph.hierarchy
    sources.forEach((seed, i) => this.seed(distF, this.parentF, queueF, seed, i))
    targets.forEach((seed, i) => this.seed(distB, this.parentB, queueB, seed, i))
    let meet = -1
    let best = Infinity
    for (;;) {
      const topF = queueF.length > 0 ? queueF.peekValue()! : Infinity
      const topB = queueB.length > 0 ? queueB.peekValue()! : Infinity
      if (Math.min(topF, topB) >= best) break
      const forward = topF <= topB
      const queue = forward ? queueF : queueB
      const dist = forward ? distF : distB
      const other = forward ? distB : distF
      const v = queue.pop()!
      const d = forward ? topF : topB
      if (d > dist[v]!) continue
      if (d + other[v]! < best) {
        best = d + other[v]!
        meet = v
      }
      if (forward) {
        if (stalled(dist, v, d, h.downFirst, h.downTail, h.downCost)) continue
        this.relax(v, d, dist, this.parentF, queue, h.upFirst, h.upHead, h.upCost, h.upEdge)
      } else {
        if (stalled(dist, v, d, h.upFirst, h.upHead, h.upCost)) continue
        this.relax(v, d, dist, this.parentB, queue, h.downFirst, h.downTail, h.downCost, h.downEdge)
      }
    }
    this.best = best
    return meet
  }

  /** Unpacked steps source → meet → target. */
  steps(meet: number, sources: readonly Seed[], targets: readonly Seed[]): RouteStep[] {
    const h = this.graph.hierarchy
    const up: number[] = []
    let v = meet
    while (this.parentF[v]! >= 0) {
      up.push(this.parentF[v]!)
      v = h.edgeTail[this.parentF[v]!]!
    }
    const first = sources[-this.parentF[v]! - 1]!.step
    const steps: RouteStep[] = first === null ? [] : [first]
    for (let i = up.length - 1; i >= 0; i--) this.unpack(up[i]!, steps)
    v = meet
    while (this.parentB[v]! >= 0) {
      this.unpack(this.parentB[v]!, steps)
      v = h.edgeHead[this.parentB[v]!]!
    }
    const last = targets[-this.parentB[v]! - 1]!.step
    if (last !== null) steps.push(last)
    return steps
  }

  private unpack(edge: number, out: RouteStep[]): void {
    const { graph } = this
    const h = graph.hierarchy
    const stack = [edge]
    while (stack.length > 0) {
      const e = stack.pop()!
      const base = h.edgeBase[e]!
      if (base < 0) {
        stack.push(h.edgeSecond[e]!, h.edgeFirst[e]!)
        continue
      }
      const step = graph.edgeStep[base]!
      const segment = step >>> 1
      const length = graph.segmentLengthM[segment]!
      const forward = (step & 1) === 0
      out.push({ segment, forward, fromM: forward ? 0 : length, toM: forward ? length : 0 })
    }
  }

  private seed(
    dist: Float64Array,
    parent: Int32Array,
    queue: FlatQueue<number>,
    seed: Seed,
    index: number,
  ): void {
    if (seed.cost >= dist[seed.node]!) return
    if (this.distF[seed.node] === Infinity && this.distB[seed.node] === Infinity) {
      this.touched.push(seed.node)
    }
    dist[seed.node] = seed.cost
    parent[seed.node] = -index - 1
    queue.push(seed.node, seed.cost)
  }

  private relax(
    v: number,
    d: number,
    dist: Float64Array,
    parent: Int32Array,
    queue: FlatQueue<number>,
    first: Uint32Array,
    head: Uint32Array,
    cost: Float64Array,
    edge: Uint32Array,
  ): void {
    for (let k = first[v]!; k < first[v + 1]!; k++) {
      const w = head[k]!
      const nd = d + cost[k]!
      if (nd >= dist[w]!) continue
      if (this.distF[w] === Infinity && this.distB[w] === Infinity) this.touched.push(w)
      dist[w] = nd
      parent[w] = edge[k]!
      queue.push(w, nd)
    }
  }

  private reset(): void {
    for (const v of this.touched) {
      this.distF[v] = Infinity
      this.distB[v] = Infinity
    }
    this.touched.length = 0
    this.queueF.clear()
    this.queueB.clear()
  }
}

/** A node reached more cheaply from above than its label cannot lie on a shortest path: skip it. */
function stalled(
  dist: Float64Array,
  v: number,
  d: number,
  first: Uint32Array,
  other: Uint32Array,
  cost: Float64Array,
): boolean {
  for (let k = first[v]!; k < first[v + 1]!; k++) {
    if (dist[other[k]!]! + cost[k]! < d) return true
  }
  return false
}
