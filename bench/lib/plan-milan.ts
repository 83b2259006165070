import { createReadStream } from 'node:fs'
import {
  DRIVE,
  SnapIndex,
  buildStreetGraph,
  importNetwork,
  type StreetGraph,
} from '../../src/network/index.js'
import {
  mulberry32,
  planGraphOf,
  type PlanGraph,
  type SegmentPosition,
} from '../../src/routing/index.js'

export const MILAN_PBF = '/work/shared/data/milan-large-graph/milan_italy_small.osm.pbf'

/** Hot places of the synthetic Milan prize (Milan has no crime data). */
export const MILAN_HOT_PLACES = 1500

/** Milan's drive network, ready for planning, with the time it took. */
export async function loadMilanDrive(): Promise<{
  graph: StreetGraph
  plan: PlanGraph
  ms: number
}> {
  const t = performance.now()
  const network = await importNetwork(createReadStream(MILAN_PBF), { profiles: [DRIVE] })
  const graph = buildStreetGraph(network.sets[0].segments)
  return { graph, plan: planGraphOf(graph, 'drive'), ms: performance.now() - t }
}

/**
 * Synthetic hourly prizes, seeded: MILAN_HOT_PLACES segments drawn with a preference for the
 * centre (Duomo, 9.19 E 45.464 N), each with a log-normal rate (expected crimes an hour, median
 * 0.01) scaled every hour by an evening profile and ± 40 % noise of its own; all other segments 0.
 */
export function milanPrizes(graph: StreetGraph, hours: number, seed: number): Float64Array[] {
  const random = mulberry32(seed)
  const n = graph.segmentCount
  const base = new Float64Array(n)
  for (let placed = 0; placed < MILAN_HOT_PLACES;) {
    const s = Math.floor(random() * n)
    const i = 2 * graph.geometryStart[s]
    const km = Math.hypot((graph.coords[i] - 9.19) * 78, (graph.coords[i + 1] - 45.464) * 111)
    if (random() > Math.exp(-km / 6) || base[s] > 0) continue
    base[s] = 0.01 * Math.exp(1.2 * gaussian(random))
    placed++
  }
  const evening = [0.8, 0.9, 1, 1.1, 1.2, 1.2, 1.1, 1]
  return Array.from({ length: hours }, (_, h) =>
    Float64Array.from(base, (b) => (b > 0 ? b * evening[h % 8] * (0.6 + 0.8 * random()) : 0)),
  )
}

/** `count` depots: snapped points on a ring 3 km around the centre. */
export function milanDepots(graph: StreetGraph, count: number): SegmentPosition[] {
  const index = new SnapIndex(graph)
  return Array.from({ length: count }, (_, i) => {
    const angle = (2 * Math.PI * i) / count
    const lon = 9.19 + (3 / 78) * Math.cos(angle)
    const lat = 45.464 + (3 / 111) * Math.sin(angle)
    const hit = index.snap(lon, lat, 1000)!
    return { segment: hit.segment, offsetM: hit.offsetM }
  })
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}
