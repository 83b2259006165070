import { sql } from 'kysely'
import type { BulkTransaction, CopyValue } from './bulk.js'
import type { Db } from './database.js'

/** The columns an incident is staged with before the merge (incident columns plus its snaps). */
export const STAGE_COLUMNS = [
  'network_name',
  'source',
  'source_id',
  'offence',
  'source_profile',
  'offence_code',
  'local_category',
  'category',
  'crime_against',
  'enforcement',
  'occurred_from',
  'occurred_to',
  'reported_at',
  'lon',
  'lat',
  'neighbourhood',
  'npu',
  'beat',
  'address',
  'upload_id',
  'line',
  'drive_segment',
  'drive_distance',
  'foot_segment',
  'foot_distance',
] as const

/** A temporary table for the upload's rows, dropped at commit. */
export async function createIncidentStage(tx: BulkTransaction): Promise<void> {
  await sql`create temp table incident_stage (
    network_name text, source text, source_id text, offence text, source_profile text,
    offence_code text, local_category text, category text, crime_against text, enforcement boolean,
    occurred_from timestamptz, occurred_to timestamptz, reported_at timestamptz,
    lon float8, lat float8, neighbourhood text, npu text, beat text, address text,
    upload_id text, line integer,
    drive_segment text, drive_distance float8, foot_segment text, foot_distance float8
  ) on commit drop`.execute(tx.db)
}

export async function stageIncidents(
  tx: BulkTransaction,
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  await tx.copyRows('incident_stage', STAGE_COLUMNS, rows)
}

/**
 * Upserts the staged incidents on (network, source, source id, offence) — a later upload of a
 * record replaces it — and stores their snaps for the given network version (dropping the old snap
 * of a replaced incident that no longer snaps in a mode).
 * @returns how many were new, how many replaced an earlier upload's row, and how many staged rows
 *   were another offence of a record already in the batch under the same canonical offence.
 */
export async function mergeStagedIncidents(
  tx: BulkTransaction,
  networkId: number,
): Promise<{ inserted: number; updated: number; collapsed: number }> {
  const { rows } = await sql<{ inserted: number; updated: number; staged: number }>`
    with merged as (
      insert into incident (network_name, source, source_id, offence, source_profile, offence_code,
        local_category, category, crime_against, enforcement, occurred_from, occurred_to, reported_at,
        lon, lat, neighbourhood, npu, beat, address, upload_id, line)
      -- two offences of one record under one canonical offence are one incident: keep the later line
      select distinct on (network_name, source, coalesce(source_id, 'line:' || line), offence)
        network_name, source, source_id, offence, source_profile, offence_code,
        local_category, category, crime_against, enforcement, occurred_from, occurred_to, reported_at,
        lon, lat, neighbourhood, npu, beat, address, upload_id, line
      from incident_stage
      order by network_name, source, coalesce(source_id, 'line:' || line), offence, line desc
      on conflict (network_name, source, source_id, offence) do update set
        source_profile = excluded.source_profile, offence_code = excluded.offence_code,
        local_category = excluded.local_category, category = excluded.category,
        crime_against = excluded.crime_against, enforcement = excluded.enforcement,
        occurred_from = excluded.occurred_from, occurred_to = excluded.occurred_to,
        reported_at = excluded.reported_at, lon = excluded.lon, lat = excluded.lat,
        neighbourhood = excluded.neighbourhood, npu = excluded.npu, beat = excluded.beat,
        address = excluded.address, upload_id = excluded.upload_id, line = excluded.line
      returning id, line, (xmax = 0) as inserted
    ),
    snaps as (
      insert into incident_snap (network_id, mode, incident_id, segment_id, distance_m)
      select ${networkId}::int, 'drive', m.id, s.drive_segment, s.drive_distance
        from merged m join incident_stage s on s.line = m.line where s.drive_segment is not null
      union all
      select ${networkId}::int, 'foot', m.id, s.foot_segment, s.foot_distance
        from merged m join incident_stage s on s.line = m.line where s.foot_segment is not null
      on conflict (network_id, mode, incident_id) do update set
        segment_id = excluded.segment_id, distance_m = excluded.distance_m
    ),
    -- a replaced incident whose new location snaps nowhere in a mode (0,0, empty, past 60 m) loses
    -- its old snap there, or risk would go on counting it on its old segment (disjoint from the
    -- rows the insert above touches: those have a segment)
    unsnapped as (
      delete from incident_snap d
      where d.network_id = ${networkId}::int and (d.mode, d.incident_id) in (
        select 'drive', m.id from merged m join incident_stage s on s.line = m.line
        where not m.inserted and s.drive_segment is null
        union all
        select 'foot', m.id from merged m join incident_stage s on s.line = m.line
        where not m.inserted and s.foot_segment is null)
    )
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated,
      (select count(*)::int from incident_stage) as staged
    from merged`.execute(tx.db)
  const { inserted, updated, staged } = rows[0]
  return { inserted, updated, collapsed: staged - inserted - updated }
}

export const REJECT_ROW_COLUMNS = [
  'upload_id',
  'seq',
  'file_name',
  'line',
  'column_name',
  'value',
  'rule',
  'message',
] as const

/** A page of an upload's rejects in file order. */
export async function listRejects(db: Db, uploadId: string, afterSeq: number, limit: number) {
  return db
    .selectFrom('incident_reject')
    .select(['seq', 'file_name', 'line', 'column_name', 'value', 'rule', 'message'])
    .where('upload_id', '=', uploadId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute()
}
