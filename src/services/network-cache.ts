import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import {
  findNetwork,
  findNetworkById,
  loadSegments,
  type Mode,
  type NetworkVersion,
} from '../db/networks.js'
import {
  buildStreetGraph,
  SnapIndex,
  type StreetGraph,
  type StreetSegment,
} from '../network/index.js'

/** One mode of a network version, ready to route and snap on. */
export interface LoadedMode {
  readonly mode: Mode
  readonly segments: readonly StreetSegment[]
  readonly graph: StreetGraph
  readonly snapIndex: SnapIndex
  /** Segment index by segment id. */
  readonly segmentIndex: ReadonlyMap<string, number>
  readonly buildMs: number
}

/** Versions whose graphs stay in memory, least recently used evicted; a Milan-sized pair costs tens of MB. */
export const KEPT_VERSIONS = 4

/**
 * In-process routing graphs per network version and mode, built once from the database and
 * reused; a new version is picked up on the next lookup by name. Concurrent first requests share
 * one build.
 */
export class NetworkCache {
  private readonly builds = new Map<string, Promise<LoadedMode>>()
  private readonly order: number[] = []

  constructor(private readonly db: Kysely<Database>) {}

  /** The newest version of a network (or the given one), or undefined. */
  find(name: string, version?: number): Promise<NetworkVersion | undefined> {
    return findNetwork(this.db, name, version)
  }

  /** The routing graph and snapping index of one mode of a network version. */
  mode(network: Pick<NetworkVersion, 'id'>, mode: Mode): Promise<LoadedMode> {
    const key = `${network.id}:${mode}`
    let build = this.builds.get(key)
    if (!build) {
      build = this.build(network.id, mode)
      this.builds.set(key, build)
      build.catch(() => this.builds.delete(key))
    }
    this.remember(network.id)
    return build
  }

  /** Whether a version's graphs are still held (callers drop what they derived from evicted ones). */
  holds(networkId: number): boolean {
    return this.order.includes(networkId)
  }

  /** Builds both modes of a version ahead of the first request (e.g. right after an import). */
  async warm(networkId: number): Promise<void> {
    const network = await findNetworkById(this.db, networkId)
    if (network) await Promise.all([this.mode(network, 'drive'), this.mode(network, 'foot')])
  }

  private async build(networkId: number, mode: Mode): Promise<LoadedMode> {
    const started = performance.now()
    const segments = await loadSegments(this.db, networkId, mode)
    const graph = buildStreetGraph(segments)
    const snapIndex = new SnapIndex(graph)
    const segmentIndex = new Map(segments.map((s, i) => [s.id, i]))
    return { mode, segments, graph, snapIndex, segmentIndex, buildMs: performance.now() - started }
  }

  /** Marks a version as used now: the least recently used beyond KEPT_VERSIONS are dropped. */
  private remember(networkId: number): void {
    const at = this.order.indexOf(networkId)
    if (at >= 0 && at === this.order.length - 1) return
    if (at >= 0) this.order.splice(at, 1)
    this.order.push(networkId)
    while (this.order.length > KEPT_VERSIONS) {
      const evicted = this.order.shift()!
      for (const key of [...this.builds.keys()])
        if (key.startsWith(`${evicted}:`)) this.builds.delete(key)
    }
  }
}
