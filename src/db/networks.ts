import { sql, type Selectable } from 'kysely'
import type { Bbox, LonLat, StreetSegment } from '../network/street-segment.js'
import type { Db, NetworkStats, StreetNetworkTable, StreetSegmentTable } from './database.js'

export type Mode = 'drive' | 'foot'
/** One imported version of a named street network. */
export interface NetworkVersion {
  readonly id: number
  readonly name: string
  readonly version: number
  readonly importedAt: Date
  readonly sourceName: string | null
  readonly sourceBytes: number
  readonly sourceSha256: string
  readonly bbox: Bbox
  readonly stats: NetworkStats
  readonly timezone: string | null
}

export interface InsertableNetwork {
  readonly name: string
  readonly sourceName: string | null
  readonly sourceBytes: number
  readonly sourceSha256: string
  readonly bbox: Bbox
  readonly stats: NetworkStats
  /** Absent: keep the previous version's zone (or learn it from the first upload). */
  readonly timezone?: string | null
}

function networkRowToNetwork(row: Selectable<StreetNetworkTable>): NetworkVersion {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    importedAt: row.imported_at,
    sourceName: row.source_name,
    sourceBytes: row.source_bytes,
    sourceSha256: row.source_sha256,
    bbox: [row.west, row.south, row.east, row.north],
    stats: row.stats,
    timezone: row.timezone,
  }
}

/**
 * Takes the transaction-scoped advisory lock on a network's name, held until commit: a version
 * import takes it exclusive, an incident upload shared. Uploads of one network run side by side;
 * an import waits for the running ones and they for it (new uploads queue behind a waiting
 * import), so an upload never snaps to a version an import is replacing, and the import re-snaps
 * what the uploads before it wrote.
 */
export async function lockNetworkName(
  trx: Db,
  name: string,
  mode: 'exclusive' | 'shared',
): Promise<void> {
  const key = `network:${name}`
  if (mode === 'shared')
    await sql`select pg_advisory_xact_lock_shared(hashtext(${key}))`.execute(trx)
  else await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx)
}

/**
 * Stores a new version of `network.name` (1 for a new name) and returns it. Run it in the
 * import's transaction: the version number is taken under a transaction-scoped advisory lock on
 * the name, held until commit, so concurrent imports of one name queue and take n+1, n+2.
 */
export async function insertNetworkVersion(
  trx: Db,
  network: InsertableNetwork,
): Promise<NetworkVersion> {
  await lockNetworkName(trx, network.name, 'exclusive')
  const latest = await trx
    .selectFrom('street_network')
    .select(['version', 'timezone'])
    .where('name', '=', network.name)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()
  const [west, south, east, north] = network.bbox
  const row = await trx
    .insertInto('street_network')
    .values({
      name: network.name,
      version: (latest?.version ?? 0) + 1,
      source_name: network.sourceName,
      source_bytes: network.sourceBytes,
      source_sha256: network.sourceSha256,
      west,
      south,
      east,
      north,
      stats: JSON.stringify(network.stats),
      timezone: network.timezone ?? latest?.timezone ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return networkRowToNetwork(row)
}

const SEGMENT_COLUMNS = [
  'id',
  'way_id',
  'highway',
  'name',
  'length_m',
  'speed_kmh',
  'oneway',
  'from_node',
  'to_node',
  'geometry',
] as const

function segmentRowToSegment(
  r: Pick<Selectable<StreetSegmentTable>, (typeof SEGMENT_COLUMNS)[number]>,
): StreetSegment {
  return {
    id: r.id,
    wayId: r.way_id,
    highway: r.highway,
    name: r.name,
    lengthM: r.length_m,
    speedKmh: r.speed_kmh,
    oneway: r.oneway,
    fromNodeId: r.from_node,
    toNodeId: r.to_node,
    geometry: r.geometry,
  }
}

// 17 parameters a row: 1,000 rows stay far below PostgreSQL's 65,535-parameter cap
const SEGMENT_BATCH = 1000

function segmentBbox(geometry: readonly LonLat[]): Bbox {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [lon, lat] of geometry) {
    west = Math.min(west, lon)
    east = Math.max(east, lon)
    south = Math.min(south, lat)
    north = Math.max(north, lat)
  }
  return [west, south, east, north]
}

/** Stores one mode's segments in their given order (`seq` = position: the routing graph's index). */
export async function insertSegments(
  trx: Db,
  networkId: number,
  mode: Mode,
  segments: readonly StreetSegment[],
): Promise<void> {
  for (let start = 0; start < segments.length; start += SEGMENT_BATCH) {
    const rows = segments.slice(start, start + SEGMENT_BATCH).map((s, i) => {
      const [west, south, east, north] = segmentBbox(s.geometry)
      return {
        network_id: networkId,
        mode,
        seq: start + i,
        id: s.id,
        way_id: s.wayId,
        highway: s.highway,
        name: s.name,
        length_m: s.lengthM,
        speed_kmh: s.speedKmh,
        oneway: s.oneway,
        from_node: s.fromNodeId,
        to_node: s.toNodeId,
        west,
        south,
        east,
        north,
        geometry: JSON.stringify(s.geometry),
      }
    })
    await trx.insertInto('street_segment').values(rows).execute()
  }
}

/** Sets the zone of every version of a network that has none yet. */
export async function adoptNetworkTimezone(db: Db, name: string, timezone: string): Promise<void> {
  await db
    .updateTable('street_network')
    .set({ timezone })
    .where('name', '=', name)
    .where('timezone', 'is', null)
    .execute()
}

/** Every version of every network, newest version first within a name. */
export async function listNetworks(db: Db): Promise<NetworkVersion[]> {
  const rows = await db
    .selectFrom('street_network')
    .selectAll()
    .orderBy('name')
    .orderBy('version', 'desc')
    .execute()
  return rows.map(networkRowToNetwork)
}

/**
 * A network by name: the given version, or the newest when `version` is absent.
 * @returns undefined when there is no such network or version.
 */
export async function findNetwork(
  db: Db,
  name: string,
  version?: number,
): Promise<NetworkVersion | undefined> {
  let query = db.selectFrom('street_network').selectAll().where('name', '=', name)
  query =
    version === undefined
      ? query.orderBy('version', 'desc').limit(1)
      : query.where('version', '=', version)
  const row = await query.executeTakeFirst()
  return row ? networkRowToNetwork(row) : undefined
}

/** A network version by its id. */
export async function findNetworkById(db: Db, id: number): Promise<NetworkVersion | undefined> {
  const row = await db
    .selectFrom('street_network')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? networkRowToNetwork(row) : undefined
}

/** One mode's segments in graph order (`seq`), as the routing graph is rebuilt from them. */
export async function loadSegments(
  db: Db,
  networkId: number,
  mode: Mode,
): Promise<StreetSegment[]> {
  const rows = await db
    .selectFrom('street_segment')
    .select(SEGMENT_COLUMNS)
    .where('network_id', '=', networkId)
    .where('mode', '=', mode)
    .orderBy('seq')
    .execute()
  return rows.map(segmentRowToSegment)
}

/** A page of segments whose bounding box meets `bbox`, after graph position `afterSeq`. */
export async function listSegmentsInBbox(
  db: Db,
  networkId: number,
  mode: Mode,
  bbox: Bbox,
  afterSeq: number,
  limit: number,
): Promise<{ seq: number; segment: StreetSegment }[]> {
  const [west, south, east, north] = bbox
  const rows = await db
    .selectFrom('street_segment')
    .select(['seq', ...SEGMENT_COLUMNS])
    .where('network_id', '=', networkId)
    .where('mode', '=', mode)
    .where('seq', '>', afterSeq)
    .where('west', '<=', east)
    .where('east', '>=', west)
    .where('south', '<=', north)
    .where('north', '>=', south)
    .orderBy('seq')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ seq: r.seq, segment: segmentRowToSegment(r) }))
}
