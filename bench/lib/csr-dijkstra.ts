import FlatQueue from 'flatqueue'
import type { StreetGraph } from '../../src/network/index.js'

/**
 * The peers' "simple fast" reference: a binary-heap Dijkstra over the CSR arrays, node to node,
 * stopping at the target; returns the cost (Infinity if unreachable) and builds the node path.
 */
export function createCsrDijkstra(graph: StreetGraph) {
  const n = graph.nodeCount
  const dist = new Float64Array(n).fill(Infinity)
  const parent = new Int32Array(n).fill(-1)
  const touched: number[] = []
  const queue = new FlatQueue<number>()
  const { firstOut, edgeHead, edgeCost } = graph
  return (source: number, target: number): { cost: number; nodes: number[] } => {
    for (const v of touched) {
      dist[v] = Infinity
      parent[v] = -1
    }
    touched.length = 0
    queue.clear()
    dist[source] = 0
    touched.push(source)
    queue.push(source, 0)
    while (queue.length > 0) {
      const d = queue.peekValue()!
      const v = queue.pop()!
      if (d > dist[v]!) continue
      if (v === target) break
      for (let e = firstOut[v]!; e < firstOut[v + 1]!; e++) {
        const w = edgeHead[e]!
        const nd = d + edgeCost[e]!
        if (nd >= dist[w]!) continue
        if (dist[w] === Infinity) touched.push(w)
        dist[w] = nd
        parent[w] = v
        queue.push(w, nd)
      }
    }
    const nodes: number[] = []
    if (dist[target] !== Infinity) for (let v = target; v !== -1; v = parent[v]!) nodes.push(v)
    return { cost: dist[target]!, nodes }
  }
}
