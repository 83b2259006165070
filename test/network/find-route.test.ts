import { describe, expect, it } from 'vitest'
import {
  buildStreetGraph,
  findRoute,
  findRoutesFrom,
  NO_ROUTE,
  nodeIndexOf,
  routeToLineString,
  segmentIndexOf,
  type StreetGraph,
} from '../../src/network/index.js'
import { drawing, drawRoute, nodeIdOf, streetsFromAscii } from './helpers/ascii-streets.js'

// one cell = 10 m at 36 km/h = 1 s; B<<<C is one-way westward, the bend above is its parallel twin
const streets = streetsFromAscii(
  drawing(`
        +---+
        |   |
    A---B<<<C>>>>D
        |        v
    E---F---G<<<<H
            |
    I---J   K----L
  `),
)
const graph = buildStreetGraph(streets.segments)
const node = (letter: string) => ({ node: nodeIndexOf(graph, nodeIdOf(letter)) })
const segment = (from: string, to: string, nth = 1) =>
  segmentIndexOf(graph, `${segmentId(graph, from, to, nth)}`)

// segment lengths are haversine metres of a 10 m grid: equal to a few nanometres
const near = (m: number) => expect.closeTo(m, 6)

function segmentId(g: StreetGraph, from: string, to: string, nth: number): string {
  const ids = g.segmentIds.filter((id) => id.endsWith(`:${nodeIdOf(from)}-${nodeIdOf(to)}`))
  return ids[nth - 1]!
}

describe('findRoute', () => {
  it('builds one segment per street run, parallel runs included', () => {
    expect(graph.segmentCount).toBe(12)
    expect(graph.nodeCount).toBe(12)
  })

  it('takes the parallel bend when the direct segment is one-way against it', () => {
    const route = findRoute(graph, node('A'), node('D'))
    expect(route.cost).toBeCloseTo(4 + 8 + 5, 6)
    expect(drawRoute(streets, route)).toBe(
      drawing(`
        +---+
        |   |
    A---B   C>>>>D
      `),
    )
  })

  it('takes the direct one-way when it points the right way', () => {
    const route = findRoute(graph, node('C'), node('A'))
    expect(route.cost).toBeCloseTo(8, 6)
    expect(drawRoute(streets, route)).toBe('A---B<<<C')
  })

  it('routes around a one-way', () => {
    const route = findRoute(graph, node('D'), node('A'))
    expect(route.cost).toBeCloseTo(2 + 5 + 4 + 2 + 4, 6)
    expect(drawRoute(streets, route)).toBe(
      drawing(`
    A---B        D
        |        v
        F---G<<<<H
      `),
    )
  })

  it('comes back out of a dead end', () => {
    const route = findRoute(graph, node('L'), node('E'))
    expect(route.cost).toBeCloseTo(15, 6)
    expect(drawRoute(streets, route)).toBe(
      drawing(`
    E---F---G
            |
            K----L
      `),
    )
  })

  it('returns NO_ROUTE between disconnected parts', () => {
    expect(findRoute(graph, node('I'), node('A'))).toBe(NO_ROUTE)
    expect(NO_ROUTE).toMatchObject({ status: 'unreachable', cost: Infinity, steps: [] })
    expect(Object.isFrozen(NO_ROUTE)).toBe(true)
  })

  it('goes straight along a segment between two positions on it', () => {
    const cd = segment('C', 'D')
    const route = findRoute(graph, { segment: cd, offsetM: 10 }, { segment: cd, offsetM: 20 })
    expect(route.cost).toBeCloseTo(1, 6)
    expect(route.steps).toEqual([{ segment: cd, forward: true, fromM: 10, toM: 20 }])
  })

  it('never turns on a one-way: a target behind the start takes the loop', () => {
    const cd = segment('C', 'D')
    const route = findRoute(graph, { segment: cd, offsetM: 20 }, { segment: cd, offsetM: 10 })
    expect(route.cost).toBeCloseTo(3 + 2 + 5 + 4 + 2 + 8 + 1, 6)
    expect(route.steps[0]).toEqual({ segment: cd, forward: true, fromM: 20, toM: near(50) })
    expect(route.steps.at(-1)).toEqual({ segment: cd, forward: true, fromM: 0, toM: 10 })
  })

  it('leaves a two-way segment by the nearer end', () => {
    const ab = segment('A', 'B')
    const route = findRoute(graph, { segment: ab, offsetM: 30 }, node('E'))
    expect(route.cost).toBeCloseTo(1 + 2 + 4, 6)
    expect(route.steps[0]).toEqual({ segment: ab, forward: true, fromM: 30, toM: near(40) })
    expect(route.lengthM).toBeCloseTo(70, 6)
  })

  it('turns a route into a GeoJSON LineString cut at the positions', () => {
    const ab = segment('A', 'B')
    const route = findRoute(graph, { segment: ab, offsetM: 10 }, { segment: ab, offsetM: 30 })
    const line = routeToLineString(graph, route)!
    expect(line.type).toBe('LineString')
    expect(line.coordinates[0]![0]).toBeCloseTo(streets.at(2, 1)[0], 9)
    expect(line.coordinates.at(-1)![0]).toBeCloseTo(streets.at(2, 3)[0], 9)
    expect(routeToLineString(graph, NO_ROUTE)).toBeUndefined()
  })

  it('gives a zero-length route its one point twice', () => {
    const ab = segment('A', 'B')
    const bf = segment('B', 'F')
    const at20 = { segment: ab, offsetM: 20 }
    const atB = { segment: ab, offsetM: graph.segmentLengthM[ab]! }
    const cases = [
      [findRoute(graph, at20, at20), streets.at(2, 2)],
      [findRoutesFrom(graph, at20, [at20]).routeTo(0), streets.at(2, 2)],
      [findRoute(graph, atB, { segment: bf, offsetM: 0 }), streets.at(2, 4)],
      [findRoute(graph, node('B'), node('B')), streets.at(2, 4)],
      [findRoutesFrom(graph, node('B'), [node('B')]).routeTo(0), streets.at(2, 4)],
    ] as const
    for (const [route, [lon, lat]] of cases) {
      expect(route).toMatchObject({ status: 'found', cost: 0, lengthM: 0 })
      const [a, b, ...rest] = routeToLineString(graph, route)!.coordinates
      expect(rest).toEqual([])
      expect(b).toEqual(a)
      expect(a![0]).toBeCloseTo(lon, 9)
      expect(a![1]).toBeCloseTo(lat, 9)
    }
  })

  it('throws for a segment that is not in the graph', () => {
    expect(() => findRoute(graph, { segment: 99, offsetM: 0 }, node('A'))).toThrow(
      /Segment 99 is not in this graph/,
    )
  })
})

describe('findRoutesFrom', () => {
  it('gives every target the point-to-point cost and route', () => {
    const letters = ['A', 'B', 'D', 'E', 'I', 'L']
    const table = findRoutesFrom(graph, node('H'), letters.map(node))
    letters.forEach((letter, i) => {
      const single = findRoute(graph, node('H'), node(letter))
      expect(table.costs[i]).toBe(single.cost)
      expect(table.routeTo(i).cost).toBe(single.cost)
    })
    expect(table.routeTo(letters.indexOf('I'))).toBe(NO_ROUTE)
  })
})
