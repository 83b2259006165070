import { readFileSync } from 'node:fs'
import type { Kysely } from 'kysely'
import type { DbHandle } from '../../src/db/connect.js'
import type { Database } from '../../src/db/database.js'
import { insertNetworkVersion } from '../../src/db/networks.js'
import { insertReport, NO_CONTACT, type InsertableReport } from '../../src/db/reports.js'
import { syncServiceTypes } from '../../src/db/report-types.js'
import { areaCell, parseServiceTypes } from '../../src/reports/index.js'

/** The bounding box of the central Atlanta extract. */
export const ATLANTA_BBOX = [-84.438191, 33.7386202, -84.3419625, 33.7858307] as const

const NO_WAYS = { ways: 0, segments: 0, onewaySegments: 0, directedEdges: 0, nodes: 0, km: 0 }

/**
 * What resident-report intake needs: the report types of data/report-types.json and an `atlanta`
 * network version with no streets, only its bounding box. Returns the version's id.
 */
export async function seedReportIntake(handle: DbHandle): Promise<number> {
  await syncServiceTypes(
    handle.db,
    parseServiceTypes(readFileSync('data/report-types.json', 'utf8')),
  )
  const network = await handle.db.transaction().execute((trx) =>
    insertNetworkVersion(trx, {
      name: 'atlanta',
      sourceName: 'test',
      sourceBytes: 1,
      sourceSha256: 'x',
      bbox: ATLANTA_BBOX,
      stats: { modes: { drive: NO_WAYS, foot: NO_WAYS } },
    }),
  )
  return network.id
}

/**
 * Stores an open, unreviewed graffiti report straight into the table (no intake rules, no
 * contact), with `fields` over those defaults; its area cell follows its position.
 */
export async function insertTestReport(
  db: Kysely<Database>,
  fields: Pick<InsertableReport, 'id' | 'network_name' | 'lat' | 'lon' | 'requested_at'> &
    Partial<InsertableReport>,
): Promise<void> {
  const report: InsertableReport = {
    service_code: 'graffiti',
    status: 'open',
    review: 'unreviewed',
    status_notes: null,
    description: null,
    attributes: {},
    address: null,
    media_url: null,
    segment_id: null,
    snap_distance_m: null,
    updated_at: fields.requested_at,
    duplicate_of: null,
    source: 'api',
    api_key_id: null,
    device_hash: null,
    account_hash: null,
    area_cell: areaCell(fields.lat, fields.lon),
    flagged: false,
    flag_reason: null,
    import_key: null,
    ...fields,
  }
  await db.transaction().execute((trx) => insertReport(trx, report, NO_CONTACT))
}
