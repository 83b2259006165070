import { createReadStream } from 'node:fs'
import { contractGraph } from '../../src/network/contraction.js'
import {
  importNetwork,
  SnapIndex,
  type Profile,
  type SegmentSet,
  type StreetGraph,
  type Weight,
} from '../../src/network/index.js'
import { buildBaseGraph } from '../../src/network/street-graph.js'

/** One mode made ready, with the time of each phase (wall ms, and CPU ms for contraction). */
export interface ReadyMode {
  readonly set: SegmentSet
  readonly graph: StreetGraph
  readonly snap: SnapIndex
  readonly csrMs: number
  readonly contractMs: number
  readonly contractCpuMs: number
  readonly snapIndexMs: number
}

export interface ReadyCity {
  readonly readMs: number
  readonly segmentsMs: number
  readonly modes: readonly ReadyMode[]
  readonly totalMs: number
}

/** PBF file → segments per profile → graph (CSR, then contraction) and snap index, timed by phase. */
export async function loadCity(
  file: string,
  profiles: readonly Profile[],
  weightOf: (profile: Profile) => Weight = () => 'time',
): Promise<ReadyCity> {
  const start = performance.now()
  const network = await importNetwork(createReadStream(file), {
    profiles,
    now: () => performance.now(),
  })
  const modes = network.sets.map((set, i) => {
    let t = performance.now()
    const base = buildBaseGraph(set.segments, { weight: weightOf(profiles[i]!) })
    const csrMs = performance.now() - t
    t = performance.now()
    const cpu = process.cpuUsage()
    const hierarchy = contractGraph(base)
    const contractCpuMs = process.cpuUsage(cpu).user / 1000
    const contractMs = performance.now() - t
    const graph: StreetGraph = { ...base, hierarchy }
    t = performance.now()
    const snap = new SnapIndex(graph)
    const snapIndexMs = performance.now() - t
    return { set, graph, snap, csrMs, contractMs, contractCpuMs, snapIndexMs }
  })
  return {
    readMs: network.timings!.readMs,
    segmentsMs: network.timings!.segmentsMs,
    modes,
    totalMs: performance.now() - start,
  }
}
