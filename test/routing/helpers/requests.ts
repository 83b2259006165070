import { buildStreetGraph, type StreetSegment } from '../../../src/network/index.js'
import {
  mulberry32,
  planGraphOf,
  type PatrolUnit,
  type PlanGraph,
  type PlanRequest,
  type Random,
} from '../../../src/routing/index.js'
import { drawStreets, type DrawnStreets } from './ascii-streets.js'

/** 2022-03-14 15:00 in Atlanta (EDT), UTC ms: an arbitrary fixed shift start. */
export const SHIFT_START_MS = Date.UTC(2022, 2, 14, 19)

/** A one-car request over drawn streets, the drawn digits as prizes in every hour. */
export function drawnRequest(
  drawing: string,
  overrides: Partial<PlanRequest> = {},
): { streets: DrawnStreets; graph: PlanGraph; request: PlanRequest } {
  const streets = drawStreets(drawing)
  const graph = planGraphOf(buildStreetGraph(streets.segments), 'drive')
  const hours = Math.ceil(overrides.shiftHours ?? 1)
  const request: PlanRequest = {
    graphs: { drive: graph },
    shiftStartMs: SHIFT_START_MS,
    shiftHours: 1,
    units: [{ id: 'car', mode: 'drive', start: streets.depot }],
    prizes: Array.from({ length: hours }, () => Float64Array.from(streets.prizes)),
    seed: 1,
    explorationShare: 0,
    ...overrides,
  }
  return { streets, graph, request }
}

/**
 * A seeded random street grid (w × h intersections, some streets missing, some one-way, lengths
 * 60–300 m) with hourly prizes on a third of the streets and `units` cars at random positions.
 */
export function randomRequest(
  seed: number,
  options: { w?: number; h?: number; units?: number; hours?: number } = {},
): { request: PlanRequest; graph: PlanGraph } {
  const { w = 6, h = 5, units = 3, hours = 2 } = options
  const random = mulberry32(seed)
  const segments = randomGrid(random, w, h)
  const graph = planGraphOf(buildStreetGraph(segments), 'drive')
  const hot = segments.map(() => (random() < 0.35 ? random() : 0))
  const prizes = Array.from({ length: hours }, () =>
    Float64Array.from(hot, (p) => p * (0.5 + random())),
  )
  const unitList: PatrolUnit[] = Array.from({ length: units }, (_, i) => {
    const segment = Math.floor(random() * segments.length)
    return {
      id: `u${i}`,
      mode: 'drive',
      start: { segment, offsetM: random() * segments[segment].lengthM },
    }
  })
  return {
    graph,
    request: {
      graphs: { drive: graph },
      shiftStartMs: SHIFT_START_MS,
      shiftHours: hours,
      units: unitList,
      prizes,
      seed,
      dwellMinutes: 12,
      explorationShare: 0,
    },
  }
}

function randomGrid(random: Random, w: number, h: number): StreetSegment[] {
  const segments: StreetSegment[] = []
  const node = (x: number, y: number) => y * w + x + 1
  const point = (x: number, y: number) => [-84.39 + x * 0.002, 33.75 + y * 0.0017] as const
  const add = (a: [number, number], b: [number, number]) => {
    if (random() < 0.12) return
    const oneway = random() < 0.25
    const [from, to] = oneway && random() < 0.5 ? [b, a] : [a, b]
    segments.push({
      id: `r${segments.length}`,
      wayId: segments.length + 1,
      highway: 'residential',
      name: null,
      lengthM: 60 + random() * 240,
      speedKmh: 25,
      oneway,
      fromNodeId: node(...from),
      toNodeId: node(...to),
      geometry: [point(...from), point(...to)],
    })
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x + 1 < w) add([x, y], [x + 1, y])
      if (y + 1 < h) add([x, y], [x, y + 1])
    }
  }
  return segments
}
