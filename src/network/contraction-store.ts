import type { ContractionHierarchy } from './contraction.js'

/**
 * Growable columns of contraction-hierarchy edges: endpoints, cost, the base CSR edge an original
 * edge stands for (-1 for a shortcut), the two edges a shortcut spans, and how many original
 * edges it stands for (hops).
 */
export class EdgeStore {
  tail: Uint32Array
  head: Uint32Array
  cost: Float64Array
  base: Int32Array
  first: Int32Array
  second: Int32Array
  hops: Uint32Array
  size = 0

  /** `capacity`: expected edges; sized well, the columns never grow (growth leaves freed memory in RSS). */
  constructor(capacity: number) {
    const n = Math.max(1024, capacity)
    this.tail = new Uint32Array(n)
    this.head = new Uint32Array(n)
    this.cost = new Float64Array(n)
    this.base = new Int32Array(n)
    this.first = new Int32Array(n)
    this.second = new Int32Array(n)
    this.hops = new Uint32Array(n)
  }

  add(tail: number, head: number, cost: number, base: number, first: number, second: number) {
    if (this.size === this.tail.length) this.grow()
    const e = this.size++
    this.tail[e] = tail
    this.head[e] = head
    this.set(e, cost, base, first, second)
    return e
  }

  set(e: number, cost: number, base: number, first: number, second: number): void {
    this.cost[e] = cost
    this.base[e] = base
    this.first[e] = first
    this.second[e] = second
    this.hops[e] = base >= 0 ? 1 : this.hops[first]! + this.hops[second]!
  }

  private grow(): void {
    const size = this.tail.length * 2
    this.tail = resized(this.tail, new Uint32Array(size))
    this.head = resized(this.head, new Uint32Array(size))
    this.cost = resized(this.cost, new Float64Array(size))
    this.base = resized(this.base, new Int32Array(size))
    this.first = resized(this.first, new Int32Array(size))
    this.second = resized(this.second, new Int32Array(size))
    this.hops = resized(this.hops, new Uint32Array(size))
  }
}

/**
 * One list of edge ids per node, all in one typed-array slab: a full list moves to the end of the
 * slab with twice the room. Contraction keeps its whole working graph here, so it allocates
 * (and leaves the garbage collector) almost nothing; per-node JS arrays cost ~2x the RSS.
 */
export class EdgeLists {
  /** Items of node v: data[start[v] ..< start[v] + length[v]]; `data` may be replaced on growth. */
  data: Int32Array
  readonly start: Uint32Array
  readonly length: Uint32Array
  private readonly room: Uint32Array
  private end = 0

  constructor(degrees: Uint32Array) {
    const n = degrees.length
    this.start = new Uint32Array(n)
    this.length = new Uint32Array(n)
    this.room = new Uint32Array(n)
    for (let v = 0; v < n; v++) {
      this.start[v] = this.end
      this.room[v] = 2 * degrees[v]! + 2
      this.end += this.room[v]!
    }
    this.data = new Int32Array(Math.max(1024, this.end * 3))
  }

  push(v: number, item: number): void {
    if (this.length[v] === this.room[v]) this.move(v)
    this.data[this.start[v]! + this.length[v]!++] = item
  }

  /** Removes one occurrence of item (order not kept). */
  remove(v: number, item: number): void {
    const from = this.start[v]!
    const last = from + this.length[v]! - 1
    for (let k = from; k <= last; k++) {
      if (this.data[k] !== item) continue
      this.data[k] = this.data[last]!
      this.length[v]!--
      return
    }
  }

  private move(v: number): void {
    const room = this.room[v]! * 2
    if (this.end + room > this.data.length) {
      this.data = resized(this.data, new Int32Array((this.end + room) * 2))
    }
    this.data.copyWithin(this.end, this.start[v]!, this.start[v]! + this.length[v]!)
    this.start[v] = this.end
    this.room[v] = room
    this.end += room
  }
}

function resized<T extends Uint32Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from)
  return to
}

/** Splits every edge into the upward CSR of its lower end or the downward CSR of its head. */
export function hierarchyOf(edges: EdgeStore, rank: Uint32Array): ContractionHierarchy {
  const n = rank.length
  const m = edges.size
  const upDegree = new Uint32Array(n + 1)
  const downDegree = new Uint32Array(n + 1)
  for (let e = 0; e < m; e++) {
    const u = edges.tail[e]!
    const v = edges.head[e]!
    if (rank[v]! > rank[u]!) upDegree[u + 1]!++
    else downDegree[v + 1]!++
  }
  for (let v = 0; v < n; v++) {
    upDegree[v + 1]! += upDegree[v]!
    downDegree[v + 1]! += downDegree[v]!
  }
  const upFirst = upDegree.slice()
  const downFirst = downDegree.slice()
  const upHead = new Uint32Array(upFirst[n]!)
  const upCost = new Float64Array(upFirst[n]!)
  const upEdge = new Uint32Array(upFirst[n]!)
  const downTail = new Uint32Array(downFirst[n]!)
  const downCost = new Float64Array(downFirst[n]!)
  const downEdge = new Uint32Array(downFirst[n]!)
  for (let e = 0; e < m; e++) {
    const u = edges.tail[e]!
    const v = edges.head[e]!
    if (rank[v]! > rank[u]!) {
      const k = upDegree[u]!++
      upHead[k] = v
      upCost[k] = edges.cost[e]!
      upEdge[k] = e
    } else {
      const k = downDegree[v]!++
      downTail[k] = u
      downCost[k] = edges.cost[e]!
      downEdge[k] = e
    }
  }
  let shortcuts = 0
  for (let e = 0; e < m; e++) if (edges.base[e]! < 0) shortcuts++
  return {
    rank,
    upFirst,
    upHead,
    upCost,
    upEdge,
    downFirst,
    downTail,
    downCost,
    downEdge,
    // views, not copies: a copy would leave the columns as freed memory the process keeps
    edgeTail: edges.tail.subarray(0, m),
    edgeHead: edges.head.subarray(0, m),
    edgeBase: edges.base.subarray(0, m),
    edgeFirst: edges.first.subarray(0, m),
    edgeSecond: edges.second.subarray(0, m),
    shortcuts,
  }
}
