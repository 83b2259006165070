import type { Selectable } from 'kysely'
import type { Db, RiskSnapshotTable } from './database.js'
import type { Mode } from './networks.js'

export type Scheme = 'how' | 'shift'

/** Stored forecast of one network version and mode as of an instant, per bucket and segment. */
export interface RiskSnapshot {
  readonly id: number
  readonly networkId: number
  readonly mode: Mode
  readonly scheme: Scheme
  readonly asOf: Date
  readonly computedAt: Date
  readonly trigger: string
  readonly timezone: string
  readonly params: object
  readonly incidentCount: number
  /** Graph segment index (of the mode) of each value column; segments not listed expect nothing. */
  readonly segmentSeqs: readonly number[]
  readonly bucketIds: readonly string[]
  readonly bucketTotals: readonly number[]
  /** Bucket-major: expected crimes of column i in bucket b at [b * segmentSeqs.length + i]. */
  readonly expected: Float32Array
}

export type InsertableSnapshot = Omit<RiskSnapshot, 'id'>

function snapshotRowToSnapshot(row: Selectable<RiskSnapshotTable>): RiskSnapshot {
  const bytes = row.expected
  // copy: the driver's buffer may not be 4-byte aligned
  const expected = new Float32Array(bytes.byteLength / 4)
  new Uint8Array(expected.buffer).set(bytes)
  return {
    id: row.id,
    networkId: row.network_id,
    mode: row.mode,
    scheme: row.scheme,
    asOf: row.as_of,
    computedAt: row.computed_at,
    trigger: row.trigger,
    timezone: row.timezone,
    params: row.params,
    incidentCount: row.incident_count,
    segmentSeqs: row.segment_seqs,
    bucketIds: row.bucket_ids,
    bucketTotals: row.bucket_totals,
    expected,
  }
}

/** Stores a snapshot, replacing one with the same network version, mode, scheme and instant. */
export async function saveSnapshot(db: Db, s: InsertableSnapshot): Promise<number> {
  const row = {
    network_id: s.networkId,
    mode: s.mode,
    scheme: s.scheme,
    as_of: s.asOf,
    computed_at: s.computedAt,
    trigger: s.trigger,
    timezone: s.timezone,
    params: JSON.stringify(s.params),
    incident_count: s.incidentCount,
    segment_seqs: JSON.stringify(s.segmentSeqs),
    bucket_ids: JSON.stringify(s.bucketIds),
    bucket_totals: JSON.stringify(s.bucketTotals),
    expected: new Uint8Array(s.expected.buffer, s.expected.byteOffset, s.expected.byteLength),
  }
  const saved = await db
    .insertInto('risk_snapshot')
    .values(row)
    .onConflict((oc) => oc.columns(['network_id', 'mode', 'scheme', 'as_of']).doUpdateSet(row))
    .returning('id')
    .executeTakeFirstOrThrow()
  return saved.id
}

/**
 * The snapshot of a network version and mode: exactly at `asOf` when given, else the latest at
 * or before `atOrBefore` (or the latest of all). Undefined when there is none.
 */
export async function findSnapshot(
  db: Db,
  filter: { networkId: number; mode: Mode; scheme: Scheme; asOf?: Date; atOrBefore?: Date },
): Promise<RiskSnapshot | undefined> {
  let query = db
    .selectFrom('risk_snapshot')
    .selectAll()
    .where('network_id', '=', filter.networkId)
    .where('mode', '=', filter.mode)
    .where('scheme', '=', filter.scheme)
  if (filter.asOf) query = query.where('as_of', '=', filter.asOf)
  else if (filter.atOrBefore) query = query.where('as_of', '<=', filter.atOrBefore)
  const row = await query.orderBy('as_of', 'desc').limit(1).executeTakeFirst()
  return row ? snapshotRowToSnapshot(row) : undefined
}

/** Snapshots of a network version (without their values), newest first. */
export async function listSnapshots(db: Db, networkId: number) {
  return db
    .selectFrom('risk_snapshot')
    .select([
      'id',
      'mode',
      'scheme',
      'as_of',
      'computed_at',
      'trigger',
      'incident_count',
      'bucket_ids',
      'bucket_totals',
    ])
    .where('network_id', '=', networkId)
    .orderBy('as_of', 'desc')
    .orderBy('mode')
    .orderBy('scheme')
    .execute()
}

/** The scorer parameters configured for a network (by `patrol tune`), or undefined for the defaults. */
export async function findRiskConfig(db: Db, networkName: string) {
  return db
    .selectFrom('risk_config')
    .selectAll()
    .where('network_name', '=', networkName)
    .executeTakeFirst()
}

export async function saveRiskConfig(
  db: Db,
  config: {
    networkName: string
    params: object
    source: string
    evidence: object | null
    at: Date
  },
): Promise<void> {
  const row = {
    params: JSON.stringify(config.params),
    source: config.source,
    evidence: config.evidence ? JSON.stringify(config.evidence) : null,
    updated_at: config.at,
  }
  await db
    .insertInto('risk_config')
    .values({ network_name: config.networkName, ...row })
    .onConflict((oc) => oc.column('network_name').doUpdateSet(row))
    .execute()
}

/** Incidents of a network snapped on one version and mode, as the risk core reads them. */
export async function loadSnappedIncidents(
  db: Db,
  networkName: string,
  networkId: number,
  mode: Mode,
) {
  return db
    .selectFrom('incident as i')
    .innerJoin('incident_snap as s', 's.incident_id', 'i.id')
    .select([
      's.segment_id',
      'i.occurred_from',
      'i.occurred_to',
      'i.reported_at',
      'i.category',
      'i.crime_against',
      'i.enforcement',
    ])
    .where('i.network_name', '=', networkName)
    .where('s.network_id', '=', networkId)
    .where('s.mode', '=', mode)
    .orderBy('i.id')
    .execute()
}

/** A stamp that changes whenever a network's incidents change (count and newest id). */
export async function incidentStamp(db: Db, networkName: string): Promise<string> {
  const row = await db
    .selectFrom('incident')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.max('id').as('max'),
      eb.fn.max('upload_id').as('upload'),
    ])
    .where('network_name', '=', networkName)
    .executeTakeFirstOrThrow()
  return `${row.n}:${row.max ?? 0}:${row.upload ?? ''}`
}
