import { createReadStream } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  buildStreetGraph,
  importNetwork,
  nodeIndexOf,
  segmentIndexOf,
  StreetGraphBuilder,
} from '../../src/network/index.js'

const FIXTURE = new URL('../fixtures/network/atlanta-downtown.osm.pbf', import.meta.url)

describe('StreetGraphBuilder', () => {
  it('builds the same graph from pages of records as from the whole array', async () => {
    const [drive] = (await importNetwork(createReadStream(FIXTURE))).sets
    const segments = drive!.segments
    const builder = new StreetGraphBuilder()
    for (let i = 0; i < segments.length; i += 10) builder.addAll(segments.slice(i, i + 10))
    expect(builder.finish()).toEqual(buildStreetGraph(segments))
  })

  it('numbers nodes by ascending OSM id and keeps segment indexes in input order', async () => {
    const [drive] = (await importNetwork(createReadStream(FIXTURE))).sets
    const segments = drive!.segments
    const graph = buildStreetGraph(segments)
    expect([...graph.nodeOsmIds]).toEqual([...graph.nodeOsmIds].sort((a, b) => a - b))
    expect(segmentIndexOf(graph, segments[7]!.id)).toBe(7)
    expect(graph.segmentFrom[7]).toBe(nodeIndexOf(graph, segments[7]!.fromNodeId))
    expect(nodeIndexOf(graph, 1)).toBe(-1)
  })

  it('throws for a segment without geometry and for adding after finish', async () => {
    const [drive] = (await importNetwork(createReadStream(FIXTURE))).sets
    const broken = { ...drive!.segments[0]!, geometry: [drive!.segments[0]!.geometry[0]!] }
    expect(() => new StreetGraphBuilder().add(broken)).toThrow(/needs two points/)
    const builder = new StreetGraphBuilder().add(drive!.segments[0]!)
    builder.finish()
    expect(() => builder.add(drive!.segments[1]!)).toThrow(/has finished/)
  })
})
