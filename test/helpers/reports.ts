import { readFileSync } from 'node:fs'
import type { DbHandle } from '../../src/db/connect.js'
import { insertNetworkVersion } from '../../src/db/networks.js'
import { syncServiceTypes } from '../../src/db/reports.js'
import { parseServiceTypes } from '../../src/reports/index.js'

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
