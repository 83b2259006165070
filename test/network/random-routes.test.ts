import { createReadStream } from 'node:fs'
import { aStar, nba } from 'ngraph.path'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../src/routing/index.js'
import {
  buildStreetGraph,
  findRoute,
  findRoutesFrom,
  importNetwork,
  ngraphFinderOptions,
  toNgraph,
  type RouteResult,
  type SegmentSet,
  type StreetGraph,
} from '../../src/network/index.js'
import { ngraphPathCost, referenceRoutes } from './helpers/reference-routes.js'

const FIXTURE = new URL('../fixtures/network/atlanta-downtown.osm.pbf', import.meta.url)
const ATLANTA = new URL('../../data/atlanta/central-atlanta-filtered.osm.pbf', import.meta.url)

const same = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(a, b)

/** Every step starts where the previous one ended, and never runs against a one-way. */
function expectConnected(graph: StreetGraph, route: RouteResult): void {
  let at: number | undefined
  for (const step of route.steps) {
    const { segment, forward } = step
    if (graph.segmentOneway[segment] === 1) expect(forward).toBe(true)
    const tail = forward ? graph.segmentFrom[segment] : graph.segmentTo[segment]
    const head = forward ? graph.segmentTo[segment] : graph.segmentFrom[segment]
    const partialStart = step.fromM !== (forward ? 0 : graph.segmentLengthM[segment])
    if (at !== undefined && !partialStart) expect(tail).toBe(at)
    at = head
  }
}

async function load(url: URL): Promise<Map<string, { set: SegmentSet; graph: StreetGraph }>> {
  const { sets } = await importNetwork(createReadStream(url))
  return new Map(sets.map((set) => [set.mode, { set, graph: buildStreetGraph(set.segments) }]))
}

describe.each([
  ['the downtown fixture', FIXTURE, 150],
  ['all of Atlanta', ATLANTA, 60],
])('seeded random routes on %s', (_name, url, pairs) => {
  const networks = load(url)

  it.each(['drive', 'foot'])(
    '%s: router = plain Dijkstra = ngraph.path nba and aStar',
    async (mode) => {
      const { set, graph } = (await networks).get(mode)!
      const reference = referenceRoutes(set.segments)
      const ng = toNgraph(graph)
      const finders = [nba(ng, ngraphFinderOptions(graph)), aStar(ng, ngraphFinderOptions(graph))]
      const random = mulberry32(42)
      let reachable = 0
      for (let i = 0; i < pairs; i++) {
        const a = Math.floor(random() * graph.nodeCount)
        const b = Math.floor(random() * graph.nodeCount)
        const route = findRoute(graph, { node: a }, { node: b })
        const expected = reference.nodeCost(graph.nodeOsmIds[a]!, graph.nodeOsmIds[b]!)
        expect(same(route.cost, expected), `${a}→${b}: ${route.cost} vs ${expected}`).toBe(true)
        for (const finder of finders) {
          const path = finder.find(a, b)
          const cost = a === b ? 0 : ngraphPathCost(ng, path)
          expect(same(cost, expected), `ngraph ${a}→${b}: ${cost} vs ${expected}`).toBe(true)
        }
        expectConnected(graph, route)
        if (route.status === 'found') reachable++
      }
      expect(reachable).toBeGreaterThan(pairs / 2)
    },
  )

  it.each(['drive', 'foot'])('%s: positions route exactly and one-to-many agrees', async (mode) => {
    const { set, graph } = (await networks).get(mode)!
    const reference = referenceRoutes(set.segments)
    const random = mulberry32(7)
    const position = () => {
      const segment = Math.floor(random() * graph.segmentCount)
      return { segment, offsetM: random() * graph.segmentLengthM[segment]! }
    }
    const from = position()
    const targets = Array.from({ length: pairs }, position)
    // a few targets on the source's own segment, ahead and behind
    targets.push({ ...from, offsetM: from.offsetM / 2 }, { ...from, offsetM: from.offsetM })
    const table = findRoutesFrom(graph, from, targets)
    const expectedCosts = reference.positionCosts(from, targets)
    targets.forEach((to, i) => {
      const route = findRoute(graph, from, to)
      const expected = expectedCosts[i]!
      expect(same(route.cost, expected), `${i}: ${route.cost} vs ${expected}`).toBe(true)
      expect(table.costs[i]).toBe(route.cost)
      expect(table.routeTo(i).cost).toBe(route.cost)
      expectConnected(graph, route)
    })
  })
})
