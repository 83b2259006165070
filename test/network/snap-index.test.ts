import { pointToLineDistance } from '@turf/turf'
import { createReadStream } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../src/routing/index.js'
import {
  buildStreetGraph,
  importNetwork,
  segmentIndexOf,
  SnapIndex,
} from '../../src/network/index.js'
import { drawing, nodeIdOf, streetsFromAscii } from './helpers/ascii-streets.js'

const streets = streetsFromAscii(
  drawing(`
    A-------B
    |
    C
  `),
)
const graph = buildStreetGraph(streets.segments)
const index = new SnapIndex(graph)
const M = streets.at(0, 1)[0] / 10 // degrees per metre on the grid
const ab = segmentIndexOf(graph, `w1:${nodeIdOf('A')}-${nodeIdOf('B')}`)

describe('SnapIndex', () => {
  it('snaps a point beside a street onto it, with offset and distance', () => {
    const snap = index.snap(25 * M, 3 * M)!
    expect(snap.segment).toBe(ab)
    expect(snap.offsetM).toBeCloseTo(25, 3)
    expect(snap.distanceM).toBeCloseTo(3, 3)
    expect(snap.point[0]).toBeCloseTo(25 * M, 12)
    expect(snap.point[1]).toBeCloseTo(0, 12)
  })

  it('clamps to the segment end past its last point', () => {
    const snap = index.snap(90 * M, 0)!
    expect(snap.segment).toBe(ab)
    expect(snap.offsetM).toBeCloseTo(80, 3)
    expect(snap.distanceM).toBeCloseTo(10, 3)
  })

  it('finds nothing outside the radius but still knows the nearest street', () => {
    expect(index.snap(40 * M, 100 * M, 60)).toBeUndefined()
    const nearest = index.nearest(40 * M, 100 * M)!
    expect(nearest.segment).toBe(ab)
    expect(nearest.distanceM).toBeCloseTo(100, 2)
    expect(index.nearest(40 * M, 5000 * M)!.distanceM).toBeCloseTo(5000, 0)
  })

  it('gives no nearest street for a non-finite or overflowing query instead of searching forever', () => {
    for (const [lon, lat] of [
      [NaN, 0],
      [0, NaN],
      [Infinity, 0],
      [0, -Infinity],
      [1e300, -1e300],
    ] as const) {
      expect(index.nearest(lon, lat)).toBeUndefined()
      expect(index.snap(lon, lat)).toBeUndefined()
    }
    expect(index.nearest(170, -80)!.segment).toBeTypeOf('number')
  })

  it('agrees with a brute-force turf distance on seeded points around downtown Atlanta', async () => {
    const url = new URL('../fixtures/network/atlanta-downtown.osm.pbf', import.meta.url)
    const [drive] = (await importNetwork(createReadStream(url))).sets
    const atlanta = buildStreetGraph(drive!.segments)
    const snapper = new SnapIndex(atlanta)
    const lines = drive!.segments.map((s) => ({
      type: 'Feature' as const,
      properties: {},
      geometry: { type: 'LineString' as const, coordinates: s.geometry.map((p) => [...p]) },
    }))
    const random = mulberry32(3)
    const [w, s, e, n] = [-84.3905, 33.756, -84.386, 33.76]
    for (let i = 0; i < 200; i++) {
      const point = [w + random() * (e - w), s + random() * (n - s)]
      const distances = lines.map((line) => pointToLineDistance(point, line, { units: 'meters' }))
      const closest = Math.min(...distances)
      const snap = snapper.snap(point[0]!, point[1]!, 60)
      if (closest > 60.5) expect(snap).toBeUndefined()
      if (closest < 59.5) {
        expect(snap).toBeDefined()
        expect(snap!.distanceM).toBeCloseTo(closest, 0)
        expect(distances[snap!.segment]!).toBeCloseTo(closest, 0)
      }
      const nearest = snapper.nearest(point[0]!, point[1]!)!
      expect(nearest.distanceM).toBeCloseTo(closest, 0)
    }
  })
})
