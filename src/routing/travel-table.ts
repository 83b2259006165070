import type { PlanGraph, SegmentPosition } from './plan-graph.js'
import { alongSegmentS, entriesOf, exitsOf } from './positions.js'

/** Nearest-neighbour list length kept per candidate edge. */
export const NEAREST = 16

/**
 * The directed candidate edges of one graph (each segment of a candidate place, in each direction
 * it may be travelled) and the travel seconds between them: a dwell on edge e starts at its tail
 * node and leaves from its head node, so travel(e1 → e2) is the cheapest path head(e1) → tail(e2).
 */
export interface EdgeTable {
  readonly graph: PlanGraph
  readonly count: number
  readonly segment: Int32Array
  readonly backward: Uint8Array
  /** Candidate index (into CandidateSet.places) of each edge. */
  readonly cp: Int32Array
  /** The same segment in the other direction, −1 for one-way segments. */
  readonly twin: Int32Array
  readonly tail: Int32Array
  readonly head: Int32Array
  /** Edges of each candidate: edgesOfCp[cp] (empty when this graph cannot dwell there). */
  readonly edgesOfCp: ReadonlyArray<Int32Array>
  /** travel(e1, e2) = table[headRow[e1] * cols + tailCol[e2]], seconds (Infinity: unreachable). */
  readonly headRow: Int32Array
  readonly tailCol: Int32Array
  readonly cols: number
  readonly table: Float64Array
  /** Table row of each source node and column of each target node. */
  readonly rowOfNode: ReadonlyMap<number, number>
  readonly colOfNode: ReadonlyMap<number, number>
  /** The NEAREST edges by travel from each edge's head: nearest[e * NEAREST + i], −1 padded. */
  readonly nearest: Int32Array
}

/** A unit's legs to and from the edges of its graph. */
export interface UnitLegs {
  /** Seconds from the unit's start position to each edge's tail. */
  readonly startS: Float64Array
  /** Seconds from each edge's head to the unit's end position. */
  readonly endS: Float64Array
  /** Seconds from start to end with no stop. */
  readonly directS: number
  /** Edges nearest the start, by startS. */
  readonly nearest: Int32Array
}

/** Seconds of travel from the head of e1 to the tail of e2. */
export function travelS(t: EdgeTable, e1: number, e2: number): number {
  return t.table[t.headRow[e1] * t.cols + t.tailCol[e2]]
}

/**
 * Builds the edge table for the candidates `places` (cp order) that `graph` can dwell on, with one
 * one-to-many search per distinct source node (edge heads and the units' ways off their starts).
 */
export function buildEdgeTable(
  graph: PlanGraph,
  places: Int32Array,
  positions: ReadonlyArray<{ readonly start: SegmentPosition; readonly end: SegmentPosition }>,
): EdgeTable {
  const cpOfPlace = new Map<number, number>()
  places.forEach((place, cp) => cpOfPlace.set(place, cp))
  const segment: number[] = []
  const backward: number[] = []
  const cp: number[] = []
  const twin: number[] = []
  const perCp: number[][] = places.length ? Array.from(places, () => []) : []
  for (let s = 0; s < graph.segmentCount; s++) {
    const c = cpOfPlace.get(graph.placeOf[s])
    if (c === undefined || graph.placeOf[s] < 0) continue
    const e = segment.length
    segment.push(s)
    backward.push(0)
    cp.push(c)
    perCp[c].push(e)
    if (graph.oneway[s]) {
      twin.push(-1)
      continue
    }
    twin.push(e + 1)
    segment.push(s)
    backward.push(1)
    cp.push(c)
    perCp[c].push(e + 1)
    twin.push(e)
  }
  const count = segment.length
  const tail = Int32Array.from(segment, (s, e) =>
    backward[e] ? graph.segmentTo[s] : graph.segmentFrom[s],
  )
  const head = Int32Array.from(segment, (s, e) =>
    backward[e] ? graph.segmentFrom[s] : graph.segmentTo[s],
  )
  const exitNodes = positions.flatMap((p) => exitsOf(graph, p.start).map((l) => l.node))
  const entryNodes = positions.flatMap((p) => entriesOf(graph, p.end).map((l) => l.node))
  const rows = indexNodes([...head, ...exitNodes])
  const colsMap = indexNodes([...tail, ...entryNodes])
  const targets = Int32Array.from(colsMap.keys())
  const cols = targets.length
  const sources = Int32Array.from(rows.keys())
  let table: Float64Array
  if (graph.costTable) table = graph.costTable(sources, targets)
  else {
    table = new Float64Array(rows.size * cols)
    for (const [node, row] of rows) table.set(graph.costsFrom(node, targets), row * cols)
  }
  const t: EdgeTable = {
    graph,
    count,
    segment: Int32Array.from(segment),
    backward: Uint8Array.from(backward),
    cp: Int32Array.from(cp),
    twin: Int32Array.from(twin),
    tail,
    head,
    edgesOfCp: perCp.map((list) => Int32Array.from(list)),
    headRow: Int32Array.from(head, (n) => rows.get(n)!),
    tailCol: Int32Array.from(tail, (n) => colsMap.get(n)!),
    cols,
    table,
    rowOfNode: rows,
    colOfNode: colsMap,
    nearest: new Int32Array(0),
  }
  return { ...t, nearest: nearestLists(count, (i, j) => travelS(t, i, j)) }
}

/** The legs of a unit over an edge table built with its positions. */
export function unitLegs(t: EdgeTable, start: SegmentPosition, end: SegmentPosition): UnitLegs {
  const exits = exitsOf(t.graph, start)
  const entries = entriesOf(t.graph, end)
  const between = (fromNode: number, toNode: number) =>
    t.table[t.rowOfNode.get(fromNode)! * t.cols + t.colOfNode.get(toNode)!]
  const startS = Float64Array.from(t.tail, (node) =>
    Math.min(...exits.map((x) => x.costS + between(x.node, node))),
  )
  const endS = Float64Array.from(t.head, (node) =>
    Math.min(...entries.map((x) => between(node, x.node) + x.costS)),
  )
  let directS = alongSegmentS(t.graph, start, end)
  for (const x of exits) {
    for (const y of entries)
      directS = Math.min(directS, x.costS + between(x.node, y.node) + y.costS)
  }
  const order = Array.from(startS.keys()).filter((e) => startS[e] < Infinity)
  order.sort((a, b) => startS[a] - startS[b] || a - b)
  return { startS, endS, directS, nearest: Int32Array.from(order.slice(0, 4 * NEAREST)) }
}

function indexNodes(nodes: Iterable<number>): Map<number, number> {
  const index = new Map<number, number>()
  for (const n of nodes) if (!index.has(n)) index.set(n, index.size)
  return index
}

function nearestLists(count: number, cost: (i: number, j: number) => number): Int32Array {
  const out = new Int32Array(count * NEAREST).fill(-1)
  const best = new Float64Array(NEAREST)
  for (let i = 0; i < count; i++) {
    const base = i * NEAREST
    let size = 0
    for (let j = 0; j < count; j++) {
      const c = cost(i, j)
      if (j === i || c === Infinity || (size === NEAREST && c >= best[size - 1])) continue
      // insertion into a short sorted list beats a heap at this size
      let at = size < NEAREST ? size++ : NEAREST - 1
      while (at > 0 && best[at - 1] > c) {
        best[at] = best[at - 1]
        out[base + at] = out[base + at - 1]
        at--
      }
      best[at] = c
      out[base + at] = j
    }
  }
  return out
}
