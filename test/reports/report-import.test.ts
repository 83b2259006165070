// The 311 export here is SYNTHETIC (its file name and first line say so): no real 311 data exists for our cities.
import { createReadStream, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { syncServiceTypes } from '../../src/db/report-types.js'
import { parseServiceTypes } from '../../src/reports/index.js'
import { NetworkCache } from '../../src/services/network-cache.js'
import { importReports } from '../../src/services/report-import.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { countRows, openTestDatabase } from '../helpers/db.js'

const EXPORT = 'test/fixtures/reports/synthetic-311-export.csv'
const mapping = JSON.parse(readFileSync('test/fixtures/reports/synthetic-311-mapping.json', 'utf8'))

describe('importReports (pglite)', () => {
  let handle: DbHandle
  let networks: NetworkCache
  const run = (dryRun = false) =>
    importReports(handle.db, createReadStream(EXPORT), {
      networkName: 'atlanta',
      mapping,
      dryRun,
      networks,
    })
  const count = async () => countRows(handle.db, 'community_report')

  beforeAll(async () => {
    handle = await openTestDatabase('pglite')
    networks = new NetworkCache(handle.db)
    await syncServiceTypes(
      handle.db,
      parseServiceTypes(readFileSync('data/report-types.json', 'utf8')),
    )
    await seedAtlanta(handle)
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('checks a dry run row by row and keeps nothing', async () => {
    const summary = await run(true)
    expect(summary).toMatchObject({ rowsRead: 10, imported: 5, rejected: 5 })
    expect(await count()).toBe(0)
  })

  it('imports valid rows, snapped and de-duplicated, and rejects the rest by line and rule', async () => {
    const summary = await run()
    expect(summary).toMatchObject({
      rowsRead: 10,
      imported: 5,
      duplicates: 1,
      alreadyImported: 0,
      rejected: 5,
    })
    expect(summary.rejects.map((r) => [r.line, r.rule])).toEqual([
      [7, 'unknown-type'],
      [8, 'bad-time'],
      [9, 'outside-jurisdiction'],
      [10, 'required'],
      [11, 'bad-coordinates'],
    ])
    const rows = await handle.db
      .selectFrom('community_report')
      .selectAll()
      .orderBy('requested_at')
      .execute()
    expect(rows).toHaveLength(5)
    expect(rows.every((r) => r.source === 'import' && r.device_hash === null)).toBe(true)
    expect(rows[0]!.requested_at.toISOString()).toBe('2022-03-05T00:40:00.000Z') // 19:40 in New York
    expect(rows[1]!.duplicate_of).toBe(rows[0]!.id)
    expect(rows[0]!.report_count).toBe(2)
    expect(rows.find((r) => r.service_code === 'streetlight')!.status).toBe('closed')
    expect(rows.filter((r) => r.segment_id !== null).length).toBeGreaterThanOrEqual(4)
  })

  it('skips rows already imported when run again', async () => {
    const summary = await run()
    expect(summary).toMatchObject({ imported: 0, alreadyImported: 5 })
    expect(await count()).toBe(5)
  })

  it('refuses a mapping to a report type that does not exist', async () => {
    const bad = { ...mapping, typeMap: { 'Graffiti Removal': 'vandalism' } }
    await expect(
      importReports(handle.db, createReadStream(EXPORT), {
        networkName: 'atlanta',
        mapping: bad,
        dryRun: true,
        networks,
      }),
    ).rejects.toThrow(
      'typeMap maps "Graffiti Removal" to "vandalism", which is not a report type (GET /v1/services)',
    )
  })
})
