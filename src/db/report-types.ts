import type { Kysely, Selectable } from 'kysely'
import type { ServiceAttribute, ServiceType } from '../reports/index.js'
import type { Database, Db, ReportServiceTable } from './database.js'

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
