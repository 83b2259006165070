import { aStar, nba } from 'ngraph.path'
import { findRoute, type StreetGraph } from '../../src/network/index.js'
import { createCsrDijkstra } from './csr-dijkstra.js'
import { gc } from './gc.js'
import { peerFinderOptions, peerNgraph, peerPathCost } from './peer-ngraph.js'
import { statsOf, type TimingStats } from './stats.js'

/** One finder's run over the pairs: per-query timings and the cost it found per pair. */
export interface FinderRun {
  readonly name: string
  readonly stats: TimingStats
  readonly costs: Float64Array
}

const WARMUP = 25

/**
 * Times each finder on the same pairs, routing-peers.md style: warm up on the first 25 pairs,
 * then time every query alone (path reconstruction included), gc() before each finder.
 * ngraph costs are re-summed along the returned nodes, so a step against a one-way shows up.
 */
export function runFinders(
  graph: StreetGraph,
  pairs: ReadonlyArray<[number, number]>,
): FinderRun[] {
  const dijkstra = createCsrDijkstra(graph)
  const ng = peerNgraph(graph)
  const options = peerFinderOptions(graph)
  const nbaFinder = nba(ng, options)
  const aStarFinder = aStar(ng, options)
  const finders: Array<[string, (a: number, b: number) => number]> = [
    ['ours: contraction hierarchy', (a, b) => findRoute(graph, { node: a }, { node: b }).cost],
    ['CSR Dijkstra, binary heap (reference)', (a, b) => dijkstra(a, b).cost],
    ['ngraph.path nba', (a, b) => peerPathCost(ng, nbaFinder.find(a, b))],
    ['ngraph.path aStar', (a, b) => peerPathCost(ng, aStarFinder.find(a, b))],
  ]
  return finders.map(([name, find]) => {
    gc()
    for (const [a, b] of pairs.slice(0, WARMUP)) find(a, b)
    const times: number[] = []
    const costs = new Float64Array(pairs.length)
    pairs.forEach(([a, b], i) => {
      const start = performance.now()
      costs[i] = find(a, b)
      times.push(performance.now() - start)
    })
    return { name, stats: statsOf(times), costs }
  })
}

/** Pairs where a finder's cost differs from the reference's by more than 1e-9 relative. */
export function mismatches(
  reference: Float64Array,
  costs: Float64Array,
): { count: number; maxRel: number } {
  let count = 0
  let maxRel = 0
  reference.forEach((expected, i) => {
    const got = costs[i]!
    const rel = got === expected ? 0 : Math.abs(got - expected) / Math.abs(expected)
    maxRel = Math.max(maxRel, Number.isNaN(rel) ? Infinity : rel)
    if (!(rel <= 1e-9)) count++
  })
  return { count, maxRel }
}
