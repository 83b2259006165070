import { sql, type Kysely } from 'kysely'
import type { BulkTransaction, CopyValue } from './bulk.js'
import type { Database } from './database.js'
import type { Mode } from './networks.js'

/** An incident with coordinates, as a new network version snaps it. */
export interface LocatedIncident {
  readonly id: number
  readonly lon: number
  readonly lat: number
}

/** One incident's place on one network version and mode. */
export interface IncidentSnap {
  readonly incidentId: number
  readonly mode: Mode
  readonly segmentId: string
  readonly distanceM: number
}

const SNAP_COLUMNS = ['network_id', 'mode', 'incident_id', 'segment_id', 'distance_m'] as const

/**
 * A page of a network's incidents that have coordinates, in id order after `afterId` (pages keep
 * a large city's incidents out of memory at once).
 */
export async function listLocatedIncidents(
  db: Kysely<Database>,
  networkName: string,
  afterId: number,
  limit: number,
): Promise<LocatedIncident[]> {
  const rows = await db
    .selectFrom('incident')
    .select(['id', 'lon', 'lat'])
    .where('network_name', '=', networkName)
    .where('id', '>', afterId)
    .where('lon', 'is not', null)
    .where('lat', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ id: Number(r.id), lon: r.lon!, lat: r.lat! }))
}

/** Appends snaps of a network version (COPY on PostgreSQL, batched INSERTs on PGlite). */
export async function copyIncidentSnaps(
  tx: BulkTransaction,
  networkId: number,
  snaps: readonly IncidentSnap[],
): Promise<void> {
  const rows: CopyValue[][] = snaps.map((s) => [
    networkId,
    s.mode,
    s.incidentId,
    s.segmentId,
    s.distanceM,
  ])
  await tx.copyRows('incident_snap', SNAP_COLUMNS, rows)
}

/** How many incidents a network version has snapped, per mode. */
export async function countIncidentSnaps(
  db: Kysely<Database>,
  networkId: number,
): Promise<Record<Mode, number>> {
  const { rows } = await sql<{ mode: Mode; n: number }>`
    select mode, count(*)::int as n from incident_snap where network_id = ${networkId} group by mode`.execute(
    db,
  )
  const counts: Record<Mode, number> = { drive: 0, foot: 0 }
  for (const r of rows) counts[r.mode] = r.n
  return counts
}
