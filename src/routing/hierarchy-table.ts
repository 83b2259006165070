import FlatQueue from 'flatqueue'
import type { StreetGraph } from '../network/index.js'

type Hierarchy = StreetGraph['hierarchy']

/**
 * Many-to-many shortest costs on the network's contraction hierarchy (bucket method, Knopp et
 * al. 2007): one backward upward search per target leaves (target, cost) in a bucket at every node
 * it settles; one forward upward search per source then meets those buckets, and the cheapest
 * meeting is the exact cost, because every shortest path climbs to its highest node and descends.
 * Hundreds of sources × hundreds of targets cost about as much as a handful of Dijkstras.
 * Returns costs row-major (sources × targets), Infinity where unreachable.
 */
export function hierarchyCostTable(
  graph: StreetGraph,
  sources: Int32Array,
  targets: Int32Array,
): Float64Array {
  const h = graph.hierarchy
  const search = new UpwardSearch(graph.nodeCount)
  const bucketNode: number[] = []
  const bucketTarget: number[] = []
  const bucketCost: number[] = []
  targets.forEach((t, j) => {
    search.run(t, h.downFirst, h.downTail, h.downCost, (v, d) => {
      bucketNode.push(v)
      bucketTarget.push(j)
      bucketCost.push(d)
    })
  })
  const buckets = bucketsByNode(graph.nodeCount, bucketNode, bucketTarget, bucketCost)
  const cols = targets.length
  const table = new Float64Array(sources.length * cols).fill(Infinity)
  sources.forEach((s, i) => {
    const row = i * cols
    search.run(s, h.upFirst, h.upHead, h.upCost, (v, d) => {
      for (let b = buckets.first[v]; b < buckets.first[v + 1]; b++) {
        const cost = d + buckets.cost[b]
        const cell = row + buckets.target[b]
        if (cost < table[cell]) table[cell] = cost
      }
    })
  })
  return table
}

/** Dijkstra over one direction of the hierarchy with buffers reused between runs. */
class UpwardSearch {
  private readonly dist: Float64Array
  private readonly touched: number[] = []
  private readonly queue = new FlatQueue<number>()

  constructor(nodes: number) {
    this.dist = new Float64Array(nodes).fill(Infinity)
  }

  run(
    from: number,
    first: Hierarchy['upFirst'],
    other: Hierarchy['upHead'],
    cost: Hierarchy['upCost'],
    settle: (node: number, dist: number) => void,
  ): void {
    const { dist, touched, queue } = this
    for (const v of touched) dist[v] = Infinity
    touched.length = 0
    queue.clear()
    dist[from] = 0
    touched.push(from)
    queue.push(from, 0)
    while (queue.length > 0) {
      const d = queue.peekValue()!
      const v = queue.pop()!
      if (d > dist[v]) continue
      settle(v, d)
      for (let e = first[v]; e < first[v + 1]; e++) {
        const w = other[e]
        const nd = d + cost[e]
        if (nd < dist[w]) {
          if (dist[w] === Infinity) touched.push(w)
          dist[w] = nd
          queue.push(w, nd)
        }
      }
    }
  }
}

function bucketsByNode(nodes: number, node: number[], target: number[], cost: number[]) {
  const first = new Uint32Array(nodes + 1)
  for (const v of node) first[v + 1]++
  for (let v = 0; v < nodes; v++) first[v + 1] += first[v]
  const next = first.slice(0, nodes)
  const byTarget = new Int32Array(node.length)
  const byCost = new Float64Array(node.length)
  node.forEach((v, i) => {
    const at = next[v]++
    byTarget[at] = target[i]
    byCost[at] = cost[i]
  })
  return { first, target: byTarget, cost: byCost }
}
