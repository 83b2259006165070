import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../src/routing/index.js'
import { dijkstraGraph } from './helpers/dijkstra-graph.js'
import { randomRequest } from './helpers/requests.js'

describe('travel tables', () => {
  it.each([1, 2, 3])('agree with one-to-many search and a plain Dijkstra (grid %i)', (seed) => {
    const { request } = randomRequest(seed, { w: 9, h: 8 })
    const drive = request.graphs.drive!
    const segments = Array.from({ length: drive.segmentCount }, (_, s) => ({
      fromNodeId: drive.segmentFrom[s],
      toNodeId: drive.segmentTo[s],
      lengthM: drive.lengthM[s],
      speedKmh: (3.6 * drive.lengthM[s]) / drive.travelS[s],
      oneway: drive.oneway[s] === 1,
    }))
    const reference = dijkstraGraph(segments)
    const random = mulberry32(seed)
    const nodes = Math.max(...drive.segmentTo, ...drive.segmentFrom) + 1
    const sources = Int32Array.from({ length: 25 }, () => Math.floor(random() * nodes))
    const targets = Int32Array.from({ length: 30 }, () => Math.floor(random() * nodes))
    const table = drive.costTable!(sources, targets)
    let unreachable = 0
    sources.forEach((s, i) => {
      const direct = drive.costsFrom(s, targets)
      const plain = reference.costsFrom(s, targets)
      targets.forEach((_, j) => {
        const cell = table[i * targets.length + j]
        if (cell === Infinity) unreachable++
        expect(cell).toBeCloseTo(direct[j], 6)
        expect(cell).toBeCloseTo(plain[j], 6)
      })
    })
    expect(unreachable).toBeLessThan(sources.length * targets.length)
  })
})
