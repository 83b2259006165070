import {
  findRoute,
  findRoutesFrom,
  type SegmentPosition,
  type SnapIndex,
  type StreetGraph,
} from '../../src/network/index.js'
import { gc } from './gc.js'
import { mulberry32 } from '../../src/routing/index.js'
import { largestScc } from './peer-protocol.js'
import { statsOf } from './stats.js'
import { fmt, table } from './table.js'

const TARGETS = 2000
const SOURCES = 10

/** Random positions on segments inside the largest strongly connected component. */
function positions(graph: StreetGraph, count: number, random: () => number): SegmentPosition[] {
  const inScc = new Uint8Array(graph.nodeCount)
  for (const v of largestScc(graph)) inScc[v] = 1
  const segments: number[] = []
  for (let s = 0; s < graph.segmentCount; s++) {
    if (inScc[graph.segmentFrom[s]!] === 1 && inScc[graph.segmentTo[s]!] === 1) segments.push(s)
  }
  return Array.from({ length: count }, () => {
    const segment = segments[Math.floor(random() * segments.length)]!
    return { segment, offsetM: random() * graph.segmentLengthM[segment]! }
  })
}

/**
 * One-to-many rows: 2,000 random target positions, 10 random source positions, time per call;
 * the first source's costs are compared with findRoute's, pair by pair (must be identical).
 */
export function oneToManyRows(graphs: ReadonlyArray<[string, StreetGraph]>): string {
  const rows = graphs.map(([name, graph]) => {
    const random = mulberry32(11)
    const targets = positions(graph, TARGETS, random)
    const sources = positions(graph, SOURCES, random)
    gc()
    findRoutesFrom(graph, sources[0]!, targets)
    const times = sources.map((source) => {
      const start = performance.now()
      findRoutesFrom(graph, source, targets)
      return performance.now() - start
    })
    const table0 = findRoutesFrom(graph, sources[0]!, targets)
    const start = performance.now()
    let different = 0
    let reachable = 0
    targets.forEach((target, i) => {
      const cost = findRoute(graph, sources[0]!, target).cost
      if (cost !== table0.costs[i]) different++
      if (cost < Infinity) reachable++
    })
    const pointToPointMs = performance.now() - start
    const s = statsOf(times)
    return [
      name,
      fmt(s.p50, 1),
      fmt(s.mean, 1),
      fmt(pointToPointMs, 1),
      `${reachable} / ${TARGETS}`,
      different,
    ]
  })
  return [
    `### One-to-many: one source position to ${TARGETS.toLocaleString('en-US')} target positions in the largest SCC (ms per call, ${SOURCES} sources)`,
    '',
    table(
      [
        'graph',
        'p50',
        'mean',
        `${TARGETS} × findRoute (first source)`,
        'reachable',
        'costs ≠ findRoute',
      ],
      rows,
    ),
  ].join('\n')
}

const SNAPS = 300_000

/** Snaps per second: 300,000 seeded points spread over the graph's bbox, radius 60 m. */
export function snapRows(
  indexes: ReadonlyArray<[string, { graph: StreetGraph; snap: SnapIndex }]>,
): string {
  const rows = indexes.map(([name, { graph, snap }]) => {
    const random = mulberry32(5)
    let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
    for (let i = 0; i < graph.coords.length; i += 2) {
      w = Math.min(w, graph.coords[i]!)
      e = Math.max(e, graph.coords[i]!)
      s = Math.min(s, graph.coords[i + 1]!)
      n = Math.max(n, graph.coords[i + 1]!)
    }
    const points = new Float64Array(2 * SNAPS)
    for (let i = 0; i < SNAPS; i++) {
      points[2 * i] = w + random() * (e - w)
      points[2 * i + 1] = s + random() * (n - s)
    }
    for (let i = 0; i < 10_000; i++) snap.snap(points[2 * i]!, points[2 * i + 1]!)
    gc()
    let snapped = 0
    const start = performance.now()
    for (let i = 0; i < SNAPS; i++) if (snap.snap(points[2 * i]!, points[2 * i + 1]!)) snapped++
    const ms = performance.now() - start
    return [name, fmt((SNAPS / ms) * 1000, 0), `${fmt((100 * snapped) / SNAPS, 1)} %`]
  })
  return [
    `### Snapping: ${SNAPS.toLocaleString('en-US')} uniform random points in the network bbox, radius 60 m`,
    '',
    table(['graph', 'snaps / s', 'snapped'], rows),
  ].join('\n')
}
