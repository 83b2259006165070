import type { Kysely } from 'kysely'
import type { CommunityReportTable, Database, Db } from './database.js'

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
