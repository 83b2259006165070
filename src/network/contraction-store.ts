/**
 * Growable columns of contraction-hierarchy edges: endpoints, cost, the base CSR edge an original
 * edge stands for (-1 for a shortcut), the two edges a shortcut spans, and how many original
 * edges it stands for (hops).
 */
export class EdgeStore {
  tail = new Uint32Array(1024)
  head = new Uint32Array(1024)
  cost = new Float64Array(1024)
  base = new Int32Array(1024)
  first = new Int32Array(1024)
  second = new Int32Array(1024)
  hops = new Uint32Array(1024)
  size = 0

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
      this.room[v] = degrees[v]! + 2
      this.end += this.room[v]!
    }
    this.data = new Int32Array(Math.max(1024, this.end * 2))
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
