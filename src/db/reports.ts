import { sql, type Transaction } from 'kysely'
import type { WindowCount } from '../reports/index.js'
import type { CommunityReportTable, Database, Db } from './database.js'

/**
 * Serialises report intake on every source and area a report counts against (device, account,
 * area cell), within a transaction, so that concurrent requests cannot slip under any cap. The locks
 * are taken one by one in ascending lock-id order: every intake transaction uses the same total
 * order, so two of them never wait on each other in a cycle (not even when two keys collide).
 */
export async function lockReportSource(
  trx: Transaction<Database>,
  sourceKeys: readonly string[],
): Promise<void> {
  if (sourceKeys.length === 0) return
  const { rows } = await sql<{
    id: number
  }>`select distinct hashtext(k) as id from (values ${sql.join(
    sourceKeys.map((k) => sql`(${k}::text)`),
  )}) as v(k) order by id`.execute(trx)
  for (const { id } of rows) await sql`select pg_advisory_xact_lock(${id}::bigint)`.execute(trx)
}

/** How many reports a column value has sent since `since`, and when the oldest came. */
export async function countRecentReports(
  db: Db,
  column: 'device_hash' | 'account_hash' | 'area_cell',
  value: string,
  since: Date,
): Promise<WindowCount> {
  const row = await db
    .selectFrom('community_report')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('requested_at').as('oldest')])
    .where(column, '=', value)
    .where('requested_at', '>=', since)
    .executeTakeFirstOrThrow()
  const oldest = row.oldest as Date | null
  return { count: Number(row.count), oldestMs: oldest ? oldest.getTime() : since.getTime() }
}

/** How many reports one source sent into one area cell since `since`. */
export async function countRecentReportsInArea(
  db: Db,
  column: 'device_hash' | 'account_hash',
  value: string,
  cell: string,
  since: Date,
): Promise<number> {
  const row = await db
    .selectFrom('community_report')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', value)
    .where('area_cell', '=', cell)
    .where('requested_at', '>=', since)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Reports of one type in a box around a point since a time: candidates for de-duplication. */
export async function findNearbyReports(
  db: Db,
  filter: {
    networkName: string
    serviceCode: string
    lat: number
    lon: number
    boxDeg: number
    since: Date
  },
) {
  const { lat, lon, boxDeg } = filter
  const lonBox = boxDeg / Math.max(0.01, Math.cos((lat * Math.PI) / 180))
  const rows = await db
    .selectFrom('community_report')
    .select(['id', 'service_code', 'lat', 'lon', 'requested_at', 'duplicate_of', 'review'])
    .where('network_name', '=', filter.networkName)
    .where('service_code', '=', filter.serviceCode)
    .where('status', '=', 'open')
    .where('requested_at', '>=', filter.since)
    .where('lat', '>=', lat - boxDeg)
    .where('lat', '<=', lat + boxDeg)
    .where('lon', '>=', lon - lonBox)
    .where('lon', '<=', lon + lonBox)
    .execute()
  return rows.map((r) => ({
    id: r.id,
    serviceCode: r.service_code,
    lat: r.lat,
    lon: r.lon,
    requestedAtMs: r.requested_at.getTime(),
    duplicateOf: r.duplicate_of,
    review: r.review,
  }))
}

export type InsertableReport = Omit<
  CommunityReportTable,
  'report_count' | 'flagged' | 'attributes'
> & {
  readonly attributes: Readonly<Record<string, unknown>>
  readonly flagged: boolean
}

export interface ReportContact {
  readonly email: string | null
  readonly phone: string | null
  readonly firstName: string | null
  readonly lastName: string | null
  readonly deviceId: string | null
  readonly accountId: string | null
}

/** A report that carries no contact details (imports; nothing is stored apart). */
export const NO_CONTACT: ReportContact = Object.freeze({
  email: null,
  phone: null,
  firstName: null,
  lastName: null,
  deviceId: null,
  accountId: null,
})

/** Stores a report and, apart, its contact details (only when there are any). */
export async function insertReport(
  trx: Transaction<Database>,
  report: InsertableReport,
  contact: ReportContact,
): Promise<void> {
  await trx
    .insertInto('community_report')
    .values({ ...report, attributes: JSON.stringify(report.attributes) })
    .execute()
  if (Object.values(contact).some((v) => v !== null)) {
    await trx
      .insertInto('report_contact')
      .values({
        report_id: report.id,
        email: contact.email,
        phone: contact.phone,
        first_name: contact.firstName,
        last_name: contact.lastName,
        device_id: contact.deviceId,
        account_id: contact.accountId,
      })
      .execute()
  }
}

/** Counts one more submission on a report that others duplicated. */
export async function incrementReportCount(
  trx: Transaction<Database>,
  id: string,
  at: Date,
): Promise<void> {
  await trx
    .updateTable('community_report')
    .set((eb) => ({ report_count: eb('report_count', '+', 1), updated_at: at }))
    .where('id', '=', id)
    .execute()
}

/** Flags a source's reports in an area within the window as a flood (analysts review them). */
export async function flagFlood(
  trx: Transaction<Database>,
  filter: {
    column: 'device_hash' | 'account_hash'
    value: string
    areaCell: string
    since: Date
    reason: string
  },
): Promise<void> {
  await trx
    .updateTable('community_report')
    .set({ flagged: true, flag_reason: filter.reason })
    .where(filter.column, '=', filter.value)
    .where('area_cell', '=', filter.areaCell)
    .where('requested_at', '>=', filter.since)
    .execute()
}

/** The reports that may feed the risk layer: of the given types, snapped, not spam, not a counted duplicate. */
function layerReportQuery(db: Db, networkName: string, serviceCodes: readonly string[]) {
  return db
    .selectFrom('community_report')
    .where('network_name', '=', networkName)
    .where('service_code', 'in', serviceCodes)
    .where('segment_id', 'is not', null)
    .where('review', 'not in', ['spam', 'duplicate'])
    .where('duplicate_of', 'is', null)
}

/** Reports that may feed the risk layer: of the given types, snapped, not spam, not a counted duplicate. */
export async function listLayerReports(
  db: Db,
  networkName: string,
  serviceCodes: readonly string[],
) {
  return layerReportQuery(db, networkName, serviceCodes)
    .select(['segment_id', 'requested_at', 'service_code'])
    .orderBy('requested_at')
    .execute()
}

/**
 * Changes whenever what the risk layer reads of a network's reports changes (for risk caches):
 * the layer types with their weights and caps, and the set of reports `listLayerReports` returns
 * for them (how many, the newest, and an order-free checksum of their ids and segments). Status,
 * status notes, counts and reports of other types — all of which change often — leave it alone;
 * with no layer on, only the report types count.
 */
export async function reportStamp(db: Db, networkName: string): Promise<string> {
  const types = await db
    .selectFrom('report_service')
    .select(['code', 'risk_enabled', 'risk_weight', 'risk_cap', 'retired', 'welfare'])
    .orderBy('code')
    .execute()
  const typeStamp = types
    .map((t) => `${t.code}${t.risk_enabled && !t.retired ? `=${t.risk_weight}/${t.risk_cap}` : ''}`)
    .join(',')
  const layerCodes = types
    .filter((t) => t.risk_enabled && !t.retired && !t.welfare)
    .map((t) => t.code)
  if (layerCodes.length === 0) return `off:${typeStamp}`
  const layer = await layerReportQuery(db, networkName, layerCodes)
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.max('requested_at').as('at'),
      sql<string>`coalesce(sum(hashtext(id || '@' || segment_id)::bigint), 0)`.as('sum'),
    ])
    .executeTakeFirstOrThrow()
  const at = layer.at as Date | null
  return `${layer.n}:${at?.getTime() ?? 0}:${layer.sum}:${typeStamp}`
}
