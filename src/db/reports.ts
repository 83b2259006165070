import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { ServiceAttribute, ServiceType, WindowCount } from '../reports/index.js'
import type { CommunityReportTable, Database, ReportServiceTable } from './database.js'

type Db = Kysely<Database> | Transaction<Database>

function serviceRowToServiceType(row: Selectable<ReportServiceTable>): ServiceType {
  return {
    code: row.code,
    name: row.name,
    description: row.description,
    group: row.group_name,
    keywords: row.keywords,
    welfare: row.welfare,
    notice: row.notice,
    risk: { enabled: row.risk_enabled, weight: row.risk_weight, cap: row.risk_cap },
    attributes: row.attributes as readonly ServiceAttribute[],
  }
}

/** Makes the table match the report-types file: upserts every type, retires the ones left out. */
export async function syncServiceTypes(
  db: Kysely<Database>,
  types: readonly ServiceType[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [sort, t] of types.entries()) {
      const row = {
        name: t.name,
        description: t.description,
        group_name: t.group,
        keywords: JSON.stringify(t.keywords),
        attributes: JSON.stringify(t.attributes),
        welfare: t.welfare,
        notice: t.notice,
        risk_enabled: t.risk.enabled,
        risk_weight: t.risk.weight,
        risk_cap: t.risk.cap,
        sort,
        retired: false,
      }
      await trx
        .insertInto('report_service')
        .values({ code: t.code, ...row })
        .onConflict((oc) => oc.column('code').doUpdateSet(row))
        .execute()
    }
    const codes = types.map((t) => t.code)
    await trx
      .updateTable('report_service')
      .set({ retired: true })
      .where('code', 'not in', codes)
      .execute()
  })
}

/** The report types residents can use, in the file's order. */
export async function listServiceTypes(db: Db): Promise<ServiceType[]> {
  const rows = await db
    .selectFrom('report_service')
    .selectAll()
    .where('retired', '=', false)
    .orderBy('sort')
    .execute()
  return rows.map(serviceRowToServiceType)
}

/** A live report type by code, or undefined. */
export async function findServiceType(db: Db, code: string): Promise<ServiceType | undefined> {
  const row = await db
    .selectFrom('report_service')
    .selectAll()
    .where('code', '=', code)
    .where('retired', '=', false)
    .executeTakeFirst()
  return row ? serviceRowToServiceType(row) : undefined
}

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

/** A report as residents and analysts see it: Open311 fields, never personal data. */
export interface ReportView {
  readonly id: string
  readonly networkName: string
  readonly serviceCode: string
  readonly serviceName: string
  readonly serviceNotice: string | null
  readonly status: 'open' | 'closed'
  readonly statusNotes: string | null
  readonly description: string | null
  readonly attributes: Readonly<Record<string, unknown>>
  readonly lat: number
  readonly lon: number
  readonly address: string | null
  readonly mediaUrl: string | null
  readonly requestedAt: Date
  readonly updatedAt: Date
  readonly review: CommunityReportTable['review']
  readonly reportCount: number
  readonly duplicateOf: string | null
  readonly flagged: boolean
  readonly flagReason: string | null
  readonly segmentId: string | null
  /**
   * The name of the street the report was placed on (its snapped drive segment, in the newest
   * network version that has it), or null: what residents see instead of the typed address.
   */
  readonly placedStreet: string | null
  readonly contactOnFile: boolean
}

function viewQuery(db: Db) {
  return db
    .selectFrom('community_report as r')
    .innerJoin('report_service as s', 's.code', 'r.service_code')
    .leftJoin('report_contact as c', 'c.report_id', 'r.id')
    .select([
      'r.id',
      'r.network_name',
      'r.service_code',
      's.name as service_name',
      's.notice as service_notice',
      'r.status',
      'r.status_notes',
      'r.description',
      'r.attributes',
      'r.lat',
      'r.lon',
      'r.address',
      'r.media_url',
      'r.requested_at',
      'r.updated_at',
      'r.review',
      'r.report_count',
      'r.duplicate_of',
      'r.flagged',
      'r.flag_reason',
      'r.segment_id',
      (eb) =>
        eb
          .selectFrom('street_segment as g')
          .innerJoin('street_network as n', 'n.id', 'g.network_id')
          .select('g.name')
          .whereRef('n.name', '=', 'r.network_name')
          .where('g.mode', '=', 'drive')
          .whereRef('g.id', '=', 'r.segment_id')
          .orderBy('n.version', 'desc')
          .limit(1)
          .as('placed_street'),
      'c.report_id as contact',
    ])
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['executeTakeFirstOrThrow']>>

function rowToView(r: ViewRow): ReportView {
  return {
    id: r.id,
    networkName: r.network_name,
    serviceCode: r.service_code,
    serviceName: r.service_name,
    serviceNotice: r.service_notice,
    status: r.status,
    statusNotes: r.status_notes,
    description: r.description,
    attributes: r.attributes,
    lat: r.lat,
    lon: r.lon,
    address: r.address,
    mediaUrl: r.media_url,
    requestedAt: r.requested_at,
    updatedAt: r.updated_at,
    review: r.review,
    reportCount: r.report_count,
    duplicateOf: r.duplicate_of,
    flagged: r.flagged,
    flagReason: r.flag_reason,
    segmentId: r.segment_id,
    placedStreet: r.placed_street ?? null,
    contactOnFile: r.contact !== null,
  }
}

/** One report's view, or undefined. */
export async function findReportView(db: Db, id: string): Promise<ReportView | undefined> {
  const row = await viewQuery(db).where('r.id', '=', id).executeTakeFirst()
  return row ? rowToView(row) : undefined
}

export interface ReportFilter {
  readonly serviceCodes?: readonly string[]
  readonly status?: 'open' | 'closed'
  readonly review?: CommunityReportTable['review']
  readonly from?: Date
  readonly to?: Date
  readonly bbox?: readonly [number, number, number, number]
  readonly networkName?: string
}

/** Reports matching a filter, newest first, one page. */
export async function listReportViews(
  db: Db,
  filter: ReportFilter,
  page: { offset: number; limit: number },
): Promise<ReportView[]> {
  let query = viewQuery(db)
  if (filter.serviceCodes?.length) query = query.where('r.service_code', 'in', filter.serviceCodes)
  if (filter.status) query = query.where('r.status', '=', filter.status)
  if (filter.review) query = query.where('r.review', '=', filter.review)
  if (filter.from) query = query.where('r.requested_at', '>=', filter.from)
  if (filter.to) query = query.where('r.requested_at', '<', filter.to)
  if (filter.networkName) query = query.where('r.network_name', '=', filter.networkName)
  if (filter.bbox) {
    const [west, south, east, north] = filter.bbox
    query = query
      .where('r.lon', '>=', west)
      .where('r.lon', '<=', east)
      .where('r.lat', '>=', south)
      .where('r.lat', '<=', north)
  }
  const rows = await query
    .orderBy('r.requested_at', 'desc')
    .orderBy('r.id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute()
  return rows.map(rowToView)
}

export interface ReportPatch {
  readonly status?: 'open' | 'closed'
  readonly statusNotes?: string
  readonly review?: CommunityReportTable['review']
  readonly duplicateOf?: string | null
}

/** Applies an analyst's changes. @returns false when there is no such report. */
export async function updateReport(
  db: Db,
  id: string,
  patch: ReportPatch,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('community_report')
    .set({
      updated_at: at,
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.statusNotes !== undefined ? { status_notes: patch.statusNotes } : {}),
      ...(patch.review ? { review: patch.review } : {}),
      ...(patch.duplicateOf !== undefined ? { duplicate_of: patch.duplicateOf } : {}),
    })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * Erases a report's personal data: the contact row and the device/account hashes.
 * @returns false when there is no such report.
 */
export async function eraseReportContact(
  db: Kysely<Database>,
  id: string,
  at: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('report_contact').where('report_id', '=', id).execute()
    const result = await trx
      .updateTable('community_report')
      .set({ device_hash: null, account_hash: null, updated_at: at })
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  })
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
