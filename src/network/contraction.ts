import FlatQueue from 'flatqueue'
import { EdgeLists, EdgeStore, hierarchyOf } from './contraction-store.js'
import type { BaseGraph } from './street-graph.js'

/**
 * A contraction hierarchy over a street graph (Geisberger et al. 2008). Nodes are contracted one by
 * one in `rank` order; contracting v adds a shortcut u→x (cost c(u,v) + c(v,x)) unless a witness
 * path avoiding v is no longer. A query then only climbs: a forward search from the source along
 * `up` edges and a backward search from the target along `down` edges meet at the path's highest
 * node, settling a few hundred nodes instead of the whole city. Costs stay exact.
 */
export interface ContractionHierarchy {
  readonly rank: Uint32Array
  /** Edges u→v with rank v > rank u, CSR by u: head, cost, hierarchy edge id. */
  readonly upFirst: Uint32Array
  readonly upHead: Uint32Array
  readonly upCost: Float64Array
  readonly upEdge: Uint32Array
  /** Edges u→v with rank u > rank v, CSR by v (searched backwards): tail, cost, edge id. */
  readonly downFirst: Uint32Array
  readonly downTail: Uint32Array
  readonly downCost: Float64Array
  readonly downEdge: Uint32Array
  /** Per hierarchy edge: the base CSR edge it is (-1 for a shortcut) or the two edges it spans. */
  readonly edgeTail: Uint32Array
  readonly edgeHead: Uint32Array
  readonly edgeBase: Int32Array
  readonly edgeFirst: Int32Array
  readonly edgeSecond: Int32Array
  readonly shortcuts: number
}

/** Tunables of contractGraph. */
export interface ContractionOptions {
  /** Nodes a witness search may settle before it gives up (adding the shortcut); default 60. */
  readonly witnessSettleLimit?: number
  /** The same limit when estimating a node's priority; default 10 (estimates run far more often). */
  readonly estimateSettleLimit?: number
}

/** Contracts every node of `graph`; deterministic for a given graph. */
export function contractGraph(
  graph: BaseGraph,
  options: ContractionOptions = {},
): ContractionHierarchy {
  const limit = options.witnessSettleLimit ?? 60
  const estimateLimit = options.estimateSettleLimit ?? 10
  const state = new Contraction(graph)
  const n = graph.nodeCount
  const rank = new Uint32Array(n)
  const priority = new Float64Array(n)
  const queue = new FlatQueue<number>()
  for (let v = 0; v < n; v++) {
    priority[v] = state.priority(v, estimateLimit)
    queue.push(v, priority[v]!)
  }
  let next = 0
  while (queue.length > 0) {
    const value = queue.peekValue()!
    const v = queue.pop()!
    if (state.contracted[v] === 1 || value !== priority[v]) continue
    const neighbours = state.contract(v, limit)
    rank[v] = next++
    for (let i = 0; i < neighbours.length; i++) {
      const w = neighbours[i]!
      priority[w] = state.priority(w, estimateLimit)
      queue.push(w, priority[w]!)
    }
  }
  return state.finish(rank)
}

const NONE = -1

/** The shrinking remaining graph during contraction, plus every edge ever created. */
class Contraction {
  readonly contracted: Uint8Array
  private readonly outs: EdgeLists
  private readonly ins: EdgeLists
  private readonly level: Uint32Array
  private readonly edges: EdgeStore
  // witness search scratch: distances reset through `touched`
  private readonly dist: Float64Array
  private readonly isTarget: Uint8Array
  private readonly touched: number[] = []
  private readonly queue = new FlatQueue<number>()
  // results of shortcutsFor and contract, kept here so the hot loop allocates nothing
  private added = 0
  private addedHops = 0
  private readonly neighbours: number[] = []
  private readonly isNeighbour: Uint8Array

  constructor(graph: BaseGraph) {
    const n = graph.nodeCount
    this.contracted = new Uint8Array(n)
    this.level = new Uint32Array(n)
    this.dist = new Float64Array(n).fill(Infinity)
    this.isTarget = new Uint8Array(n)
    this.isNeighbour = new Uint8Array(n)
    const outDegree = new Uint32Array(n)
    const inDegree = new Uint32Array(n)
    for (let u = 0; u < n; u++) {
      outDegree[u] = graph.firstOut[u + 1]! - graph.firstOut[u]!
      for (let e = graph.firstOut[u]!; e < graph.firstOut[u + 1]!; e++)
        inDegree[graph.edgeHead[e]!]!++
    }
    // road graphs gain about one shortcut per original edge
    this.edges = new EdgeStore(Math.ceil(2.5 * graph.edgeHead.length))
    this.outs = new EdgeLists(outDegree)
    this.ins = new EdgeLists(inDegree)
    this.addBaseEdges(graph)
  }

  /** One hierarchy edge per node pair (the cheapest parallel edge); self-loops never help a path. */
  private addBaseEdges(graph: BaseGraph): void {
    for (let u = 0; u < graph.nodeCount; u++) {
      for (let e = graph.firstOut[u]!; e < graph.firstOut[u + 1]!; e++) {
        const v = graph.edgeHead[e]!
        if (v === u) continue
        const existing = this.findEdge(u, v)
        if (existing === NONE) this.link(this.edges.add(u, v, graph.edgeCost[e]!, e, NONE, NONE))
        else if (graph.edgeCost[e]! < this.edges.cost[existing]!) {
          this.edges.set(existing, graph.edgeCost[e]!, e, NONE, NONE)
        }
      }
    }
  }

  /**
   * level + added/removed edges + added/removed hops (original edges the shortcuts stand for):
   * nodes whose removal keeps the graph small and shallow go first.
   */
  priority(v: number, limit: number): number {
    this.shortcutsFor(v, limit, false)
    const { outs, ins, edges } = this
    let removedHops = 0
    const removed = outs.length[v]! + ins.length[v]!
    for (let k = outs.start[v]!; k < outs.start[v]! + outs.length[v]!; k++) {
      removedHops += edges.hops[outs.data[k]!]!
    }
    for (let k = ins.start[v]!; k < ins.start[v]! + ins.length[v]!; k++) {
      removedHops += edges.hops[ins.data[k]!]!
    }
    if (removed === 0) return this.level[v]!
    return this.level[v]! + this.added / removed + this.addedHops / removedHops
  }

  /** Contracts v and returns its remaining neighbours (whose priorities change; reused array). */
  contract(v: number, limit: number): readonly number[] {
    this.shortcutsFor(v, limit, true)
    const { neighbours, isNeighbour, edges, outs, ins } = this
    neighbours.length = 0
    for (let k = ins.start[v]!; k < ins.start[v]! + ins.length[v]!; k++) {
      const a = ins.data[k]!
      const u = edges.tail[a]!
      outs.remove(u, a)
      if (isNeighbour[u] === 0) neighbours.push(u)
      isNeighbour[u] = 1
    }
    for (let k = outs.start[v]!; k < outs.start[v]! + outs.length[v]!; k++) {
      const b = outs.data[k]!
      const x = edges.head[b]!
      ins.remove(x, b)
      if (isNeighbour[x] === 0) neighbours.push(x)
      isNeighbour[x] = 1
    }
    this.contracted[v] = 1
    for (const w of neighbours) {
      isNeighbour[w] = 0
      this.level[w] = Math.max(this.level[w]!, this.level[v]! + 1)
    }
    return neighbours
  }

  /** Counts (and with `apply` adds) the shortcuts contracting v needs, into added/addedHops. */
  private shortcutsFor(v: number, limit: number, apply: boolean): void {
    const { edges, isTarget, outs, ins } = this
    const outStart = outs.start[v]!
    const outEnd = outStart + outs.length[v]!
    let added = 0
    let addedHops = 0
    // v's own lists never change while v is contracted, but `data` may move when others grow
    for (let i = ins.start[v]!; i < ins.start[v]! + ins.length[v]!; i++) {
      const a = ins.data[i]!
      const u = edges.tail[a]!
      let maxOut = -Infinity
      let targets = 0
      for (let k = outStart; k < outEnd; k++) {
        const b = outs.data[k]!
        const x = edges.head[b]!
        if (x === u) continue
        maxOut = Math.max(maxOut, edges.cost[b]!)
        if (isTarget[x] === 0) targets++
        isTarget[x] = 1
      }
      if (targets === 0) continue
      const viaV = edges.cost[a]!
      this.witnessSearch(u, v, viaV + maxOut, limit, targets)
      for (let k = outStart; k < outEnd; k++) {
        const b = outs.data[k]!
        const x = edges.head[b]!
        isTarget[x] = 0
        const total = viaV + edges.cost[b]!
        if (x === u || this.dist[x]! <= total) continue
        added++
        addedHops += edges.hops[a]! + edges.hops[b]!
        if (apply) this.addShortcut(u, x, total, a, b)
      }
      this.resetSearch()
    }
    this.added = added
    this.addedHops = addedHops
  }

  /** Dijkstra from source avoiding `avoid`, until every target is settled, maxCost or limit. */
  private witnessSearch(
    source: number,
    avoid: number,
    maxCost: number,
    limit: number,
    targets: number,
  ): void {
    const { dist, queue, isTarget, outs, touched } = this
    const { head, cost } = this.edges
    const data = outs.data
    dist[source] = 0
    touched.push(source)
    queue.push(source, 0)
    let settled = 0
    let left = targets
    while (left > 0 && settled < limit && queue.length > 0) {
      const d = queue.peekValue()!
      if (d > maxCost) break
      const w = queue.pop()!
      if (d > dist[w]!) continue
      settled++
      if (isTarget[w] === 1) left--
      const end = outs.start[w]! + outs.length[w]!
      for (let k = outs.start[w]!; k < end; k++) {
        const e = data[k]!
        const x = head[e]!
        const nd = d + cost[e]!
        if (x === avoid || nd >= dist[x]! || nd > maxCost) continue
        if (dist[x] === Infinity) touched.push(x)
        dist[x] = nd
        queue.push(x, nd)
      }
    }
  }

  private resetSearch(): void {
    for (const w of this.touched) this.dist[w] = Infinity
    this.touched.length = 0
    this.queue.clear()
  }

  private addShortcut(u: number, x: number, cost: number, first: number, second: number): void {
    const existing = this.findEdge(u, x)
    if (existing === NONE) this.link(this.edges.add(u, x, cost, NONE, first, second))
    else if (cost < this.edges.cost[existing]!) this.edges.set(existing, cost, NONE, first, second)
  }

  private findEdge(u: number, v: number): number {
    const { outs } = this
    for (let k = outs.start[u]!; k < outs.start[u]! + outs.length[u]!; k++) {
      if (this.edges.head[outs.data[k]!] === v) return outs.data[k]!
    }
    return NONE
  }

  private link(e: number): void {
    this.outs.push(this.edges.tail[e]!, e)
    this.ins.push(this.edges.head[e]!, e)
  }

  /** The hierarchy once every node has a rank. */
  finish(rank: Uint32Array): ContractionHierarchy {
    return hierarchyOf(this.edges, rank)
  }
}
