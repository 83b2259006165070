import type { StreetGraph } from '../../src/network/index.js'
import { mulberry32 } from '../../src/routing/index.js'

/**
 * Node indexes of the largest strongly connected component, ascending (Kosaraju, iterative).
 * Node indexes ascend with OSM node id, as routing-peers.md numbers its nodes.
 */
export function largestScc(graph: StreetGraph): number[] {
  const n = graph.nodeCount
  const { firstOut, edgeHead } = graph
  const order: number[] = []
  const seen = new Uint8Array(n)
  const stack: number[] = []
  const cursor = new Uint32Array(n)
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue
    seen[s] = 1
    stack.push(s)
    cursor[s] = firstOut[s]!
    while (stack.length > 0) {
      const v = stack[stack.length - 1]!
      if (cursor[v]! < firstOut[v + 1]!) {
        const w = edgeHead[cursor[v]!++]!
        if (!seen[w]) {
          seen[w] = 1
          cursor[w] = firstOut[w]!
          stack.push(w)
        }
      } else {
        order.push(stack.pop()!)
      }
    }
  }
  const reverse = reversed(graph)
  const component = new Int32Array(n).fill(-1)
  let best: number[] = []
  for (let i = n - 1; i >= 0; i--) {
    const s = order[i]!
    if (component[s] !== -1) continue
    const members = [s]
    component[s] = s
    for (let k = 0; k < members.length; k++) {
      const v = members[k]!
      for (let e = reverse.first[v]!; e < reverse.first[v + 1]!; e++) {
        const w = reverse.tail[e]!
        if (component[w] === -1) {
          component[w] = s
          members.push(w)
        }
      }
    }
    if (members.length > best.length) best = members
  }
  return best.sort((a, b) => a - b)
}

function reversed(graph: StreetGraph): { first: Uint32Array; tail: Uint32Array } {
  const n = graph.nodeCount
  const first = new Uint32Array(n + 1)
  for (const head of graph.edgeHead) first[head + 1]!++
  for (let v = 0; v < n; v++) first[v + 1]! += first[v]!
  const next = first.slice(0, n)
  const tail = new Uint32Array(graph.edgeHead.length)
  for (let v = 0; v < n; v++) {
    for (let e = graph.firstOut[v]!; e < graph.firstOut[v + 1]!; e++) {
      tail[next[graph.edgeHead[e]!]!++] = v
    }
  }
  return { first, tail }
}

/** routing-peers.md pairs: mulberry32(seed), origin then destination drawn from `members`, equal ends skipped. */
export function peerPairs(
  members: readonly number[],
  count: number,
  seed = 42,
): Array<[number, number]> {
  const random = mulberry32(seed)
  const pairs: Array<[number, number]> = []
  while (pairs.length < count) {
    const a = members[Math.floor(random() * members.length)]!
    const b = members[Math.floor(random() * members.length)]!
    if (a !== b) pairs.push([a, b])
  }
  return pairs
}
