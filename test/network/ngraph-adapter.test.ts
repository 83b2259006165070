import { nba } from 'ngraph.path'
import { describe, expect, it } from 'vitest'
import {
  buildStreetGraph,
  ngraphFinderOptions,
  nodeIndexOf,
  toNgraph,
} from '../../src/network/index.js'
import { drawing, nodeIdOf, streetsFromAscii } from './helpers/ascii-streets.js'
import { ngraphPathCost } from './helpers/reference-routes.js'

const streets = streetsFromAscii(
  drawing(`
    +---+
    |   |
    A---B>>>C
  `),
)
const graph = buildStreetGraph(streets.segments)
const node = (letter: string) => nodeIndexOf(graph, nodeIdOf(letter))

describe('toNgraph', () => {
  it('keeps one link per directed edge, parallel segments included', () => {
    const ng = toNgraph(graph)
    expect(ng.getNodesCount()).toBe(3)
    // A-B twice (bend and straight) both ways, B>C once
    expect(ng.getLinksCount()).toBe(5)
    expect(graph.edgeHead.length).toBe(5)
  })

  it('lets nba take the cheaper parallel link and respect the one-way', () => {
    const ng = toNgraph(graph)
    const finder = nba(ng, ngraphFinderOptions(graph))
    const path = finder.find(node('A'), node('C'))
    expect(path.map((n) => n.id)).toEqual([node('C'), node('B'), node('A')])
    expect(ngraphPathCost(ng, path)).toBeCloseTo(4 + 4, 6)
    expect(finder.find(node('C'), node('A'))).toEqual([])
  })
})
