import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { kyselyBulkTransaction, withBulkTransaction, type BulkTransaction } from '../db/bulk.js'
import type { DbHandle } from '../db/connect.js'
import type { Database, ModeStats } from '../db/database.js'
import { copyIncidentSnaps, listLocatedIncidents, type IncidentSnap } from '../db/incident-snaps.js'
import {
  insertNetworkVersion,
  insertSegments,
  type Mode,
  type NetworkVersion,
} from '../db/networks.js'
import { importNetwork } from '../network/import-network.js'
import { buildStreetGraph, SnapIndex } from '../network/index.js'
import { DRIVE, DRIVE_AS_PROVENANCE, FOOT, FOOT_AS_PROVENANCE } from '../network/profiles.js'
import type { ModeTotals, StreetSegment } from '../network/street-segment.js'
import { INCIDENT_SNAP_RADIUS_M } from './incident-upload.js'
import type { RiskService } from './risk.js'

/** Network names: lower-case words joined by hyphens, as they appear in URLs. */
export const NETWORK_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

/** True for an IANA time zone name this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return name.includes('/') || name === 'UTC'
  } catch {
    return false
  }
}

export interface ImportedNetwork {
  readonly network: NetworkVersion
  /**
   * Milliseconds: reading the PBF, cutting segments, writing the database (segments and re-snapped
   * incidents, one transaction), of which re-snapping, and recomputing risk snapshots.
   */
  readonly timings: {
    readonly readMs: number
    readonly segmentsMs: number
    readonly storeMs: number
    readonly resnapMs?: number
    readonly snapshotsMs?: number
  }
  /** The name's existing incidents snapped to this version, per mode (absent for a first version). */
  readonly resnapped?: {
    readonly incidents: number
    readonly drive: number
    readonly foot: number
  }
  /** Risk snapshots computed for this version (when a RiskService was given and it has incidents). */
  readonly snapshots?: readonly {
    readonly id: number
    readonly mode: string
    readonly scheme: string
  }[]
  /** Why recomputing them failed; the import itself stands. */
  readonly snapshotError?: string
}

/** Incidents read per query while re-snapping. */
const RESNAP_PAGE = 20_000

type Snapper = (lon: number, lat: number) => { segmentId: string; distanceM: number } | undefined

/**
 * Snaps points to one mode of a version exactly as an upload does: the routing graph and SnapIndex
 * the NetworkCache builds from the same segments in `seq` order, within the upload's radius.
 */
function modeSnapper(segments: readonly StreetSegment[]): Snapper {
  const graph = buildStreetGraph(segments)
  const index = new SnapIndex(graph)
  return (lon, lat) => {
    const snap = index.snap(lon, lat, INCIDENT_SNAP_RADIUS_M)
    return snap && { segmentId: graph.segmentIds[snap.segment]!, distanceM: snap.distanceM }
  }
}

/**
 * Snaps every located incident of the version's name to the version's segments, both modes, and
 * stores the snaps in the import's transaction (a version is never visible without them).
 */
async function resnapIncidents(
  tx: BulkTransaction,
  network: NetworkVersion,
  segments: Readonly<Record<Mode, readonly StreetSegment[]>>,
): Promise<{ incidents: number; drive: number; foot: number }> {
  const snappers = { drive: modeSnapper(segments.drive), foot: modeSnapper(segments.foot) }
  const counts = { incidents: 0, drive: 0, foot: 0 }
  for (let after = 0; ;) {
    const page = await listLocatedIncidents(tx.db, network.name, after, RESNAP_PAGE)
    if (page.length === 0) break
    const snaps: IncidentSnap[] = []
    for (const incident of page) {
      for (const mode of ['drive', 'foot'] as const) {
        const snap = snappers[mode](incident.lon, incident.lat)
        if (!snap) continue
        snaps.push({ incidentId: incident.id, mode, ...snap })
        counts[mode]++
      }
    }
    await copyIncidentSnaps(tx, network.id, snaps)
    counts.incidents += page.length
    after = page.at(-1)!.id
  }
  return counts
}

function modeStats(totals: ModeTotals): ModeStats {
  return { ...totals, km: Math.round(totals.km * 1000) / 1000 }
}

/** Passes the bytes through while hashing and counting them. */
async function* measured(
  source: AsyncIterable<Uint8Array>,
  into: { bytes: number; hash: ReturnType<typeof createHash> },
) {
  for await (const chunk of source) {
    into.bytes += chunk.byteLength
    into.hash.update(chunk)
    yield chunk
  }
}

/**
 * Reads an OSM PBF stream and stores it as a new version of the named network, both modes, in
 * one transaction: a failure leaves nothing behind. A name already taken gets the next version
 * (older versions stay), and in the same transaction the name's incidents are snapped to it as
 * an upload snaps them (bulk COPY when given a DbHandle). With `risk`, a new version with
 * incidents then gets its risk snapshots recomputed as of `now`, as after an upload.
 * @throws NetworkImportError (not a PBF, truncated, empty, no highways) before anything is written.
 */
export async function importNetworkFile(
  target: DbHandle | Kysely<Database>,
  source: AsyncIterable<Uint8Array>,
  options: {
    readonly name: string
    readonly sourceName: string | null
    readonly timezone?: string
    readonly risk?: RiskService
    /** The instant risk snapshots are computed as of (default: now). */
    readonly now?: Date
  },
): Promise<ImportedNetwork> {
  if (!NETWORK_NAME.test(options.name)) {
    throw new Error(`network name must match ${NETWORK_NAME}, got "${options.name}"`)
  }
  if (options.timezone !== undefined && !isTimeZone(options.timezone)) {
    throw new RangeError(
      `timezone must be an IANA zone such as America/New_York, got "${options.timezone}"`,
    )
  }
  const counter = { bytes: 0, hash: createHash('sha256') }
  const now = () => performance.now()
  // the as-PROVENANCE profiles only count: the README shows both numbers side by side
  const result = await importNetwork(measured(source, counter), {
    profiles: [DRIVE, FOOT, DRIVE_AS_PROVENANCE, FOOT_AS_PROVENANCE],
    now,
  })
  const [drive, foot, driveAll, footAll] = result.sets
  const t0 = now()
  let resnapMs: number | undefined
  const store = async (tx: BulkTransaction) => {
    const version = await insertNetworkVersion(tx.db, {
      name: options.name,
      sourceName: options.sourceName,
      sourceBytes: counter.bytes,
      sourceSha256: counter.hash.digest('hex'),
      bbox: result.bbox,
      timezone: options.timezone,
      stats: {
        modes: { drive: modeStats(drive.totals), foot: modeStats(foot.totals) },
        unfiltered: { drive: modeStats(driveAll.totals), foot: modeStats(footAll.totals) },
      },
    })
    await insertSegments(tx.db, version.id, 'drive', drive.segments)
    await insertSegments(tx.db, version.id, 'foot', foot.segments)
    if (version.version === 1) return { version, resnapped: undefined }
    const r0 = now()
    const resnapped = await resnapIncidents(tx, version, {
      drive: drive.segments,
      foot: foot.segments,
    })
    resnapMs = now() - r0
    return { version, resnapped }
  }
  const { version: network, resnapped } =
    'backend' in target
      ? await withBulkTransaction(target, store)
      : await target.transaction().execute((trx) => store(kyselyBulkTransaction(trx)))
  const storeMs = now() - t0
  let rescored: Pick<ImportedNetwork, 'snapshots' | 'snapshotError'> = {}
  let snapshotsMs: number | undefined
  if (options.risk && resnapped && resnapped.incidents > 0) {
    const s0 = now()
    try {
      const snapshots = await options.risk.refreshSnapshots(
        network,
        options.now ?? new Date(),
        `import ${network.name} version ${network.version}`,
      )
      rescored = { snapshots: snapshots.map((s) => ({ id: s.id, mode: s.mode, scheme: s.scheme })) }
    } catch (err) {
      rescored = { snapshotError: (err as Error).message }
    }
    snapshotsMs = now() - s0
  }
  const timings = {
    readMs: result.timings!.readMs,
    segmentsMs: result.timings!.segmentsMs,
    storeMs,
    ...(resnapMs === undefined ? {} : { resnapMs }),
    ...(snapshotsMs === undefined ? {} : { snapshotsMs }),
  }
  return { network, timings, ...(resnapped ? { resnapped } : {}), ...rescored }
}
