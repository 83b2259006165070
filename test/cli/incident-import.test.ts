import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DbHandle } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { jsonSummary, runPatrol } from '../helpers/cli.js'
import { countRows, DIALECTS, openTestDatabase, schemaUrlOf, type Dialect } from '../helpers/db.js'

/** Two rows in the APD 2022 schema, written for this test (not real records). */
const CSV = [
  'offense_id,rpt_date,occur_date,occur_day,occur_day_num,occur_time,poss_date,poss_time,beat,zone,location,ibr_code,UC2_Literal,neighborhood,npu,lat,long',
  '900000001,1/5/2022,1/4/2022,Tuesday,3,21:10,1/4/2022,21:30,511,5,100 PEACHTREE ST NW,23F,LARCENY-FROM VEHICLE,Downtown,M,33.7590,-84.3880',
  '900000002,1/6/2022,1/5/2022,Wednesday,4,02:15,,,511,5,200 PEACHTREE ST NW,13A,AGG ASSAULT,Downtown,M,33.7600,-84.3870',
].join('\n')

/** A seeded database the CLI can open: a PGlite directory, or a PostgreSQL schema. */
async function seeded(
  dialect: Dialect,
  root: string,
): Promise<{ env: Record<string, string>; open: () => Promise<DbHandle>; handle?: DbHandle }> {
  if (dialect === 'pglite') {
    const dir = join(root, 'db')
    const handle = await openDatabase({ pgliteDir: dir })
    await migrateToLatest(handle.db)
    await seedAtlanta(handle)
    await handle.close()
    return { env: { PGLITE_DIR: dir }, open: () => openDatabase({ pgliteDir: dir }) }
  }
  const handle = await openTestDatabase('postgres')
  await seedAtlanta(handle)
  const { url } = await schemaUrlOf(handle)
  return { env: { DATABASE_URL: url }, open: async () => handle, handle }
}

describe.each(DIALECTS)('%s: patrol incidents import', (dialect) => {
  const root = mkdtempSync(join(tmpdir(), 'patrol-incidents-cli-'))
  const file = join(root, 'hand-written.csv')
  const more = join(root, 'hand-written-2.csv')
  let db: Awaited<ReturnType<typeof seeded>>

  beforeAll(async () => {
    writeFileSync(file, CSV)
    writeFileSync(more, CSV.replaceAll('90000000', '90000001'))
    db = await seeded(dialect, root)
  })
  afterAll(async () => {
    await db?.handle?.close()
  })

  it('recomputes the risk snapshots after an import and reports them', async () => {
    const run = await runPatrol(
      ['incidents', 'import', file, '--network', 'atlanta', '--json'],
      db.env,
    )
    expect(run.code, run.stderr).toBe(0)
    const summary = jsonSummary(run)
    expect(summary).toMatchObject({ ok: true, status: 'completed', inserted: 2 })
    const snapshots = summary.snapshots as { id: number; mode: string; scheme: string }[]
    expect(snapshots.map((s) => `${s.mode}/${s.scheme}`).sort()).toEqual([
      'drive/how',
      'drive/shift',
      'foot/how',
      'foot/shift',
    ])
    expect(summary.snapshotError).toBeUndefined()
    const handle = await db.open()
    try {
      expect(await countRows(handle.db, 'risk_snapshot')).toBe(4)
    } finally {
      if (handle !== db.handle) await handle.close()
    }

    // the human output says so too; a dry run stores nothing and recomputes nothing
    const dry = await runPatrol(
      ['incidents', 'import', file, '--network', 'atlanta', '--dry-run'],
      db.env,
    )
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/^risk snapshots unchanged/m)
    const human = await runPatrol(['incidents', 'import', more, '--network', 'atlanta'], db.env)
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^risk snapshots recomputed: \d+ drive\/shift/m)
  })
})
