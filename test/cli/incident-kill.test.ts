import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { runPatrol, startPatrol } from '../helpers/cli.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { countRows, openTestDatabase, schemaUrlOf } from '../helpers/db.js'

/** The 2022 APD export repeated with distinct ids: long enough to kill mid-load. */
function buildLargeExport(copies: number): string {
  const rows = parse(gunzipSync(readFileSync('data/atlanta/COBRA-2022.csv.gz')), {
    bom: true,
  }) as string[][]
  const [header, ...body] = rows
  const out = [header]
  for (let c = 0; c < copies; c++)
    for (const row of body) out.push([`${c}${row[0]}`, ...row.slice(1)])
  const file = join(mkdtempSync(join(tmpdir(), 'patrol-kill-')), 'cobra-2022-x.csv')
  writeFileSync(file, stringify(out))
  return file
}

describe.runIf(process.env.TEST_DATABASE_URL)('postgres: killing an incident import', () => {
  let handle: DbHandle
  let databaseUrl: string
  let file: string
  const count = async (table: 'incident' | 'incident_snap') => countRows(handle.db, table)

  beforeAll(async () => {
    handle = await openTestDatabase('postgres')
    databaseUrl = (await schemaUrlOf(handle)).url
    await seedAtlanta(handle, { timezone: false })
    file = buildLargeExport(12)
  }, 120_000)
  afterAll(async () => {
    await handle?.close()
  })

  it('leaves the database as before the upload when kill -9 lands mid-load', async () => {
    const child = startPatrol(['incidents', 'import', file, '--network', 'atlanta'], {
      DATABASE_URL: databaseUrl,
    })
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal)),
    )
    let running = false
    for (let i = 0; i < 600 && !running; i++) {
      await new Promise((r) => setTimeout(r, 50))
      running =
        (
          await handle.db
            .selectFrom('incident_upload')
            .select('status')
            .where('status', '=', 'running')
            .execute()
        ).length > 0
    }
    expect(running).toBe(true)
    // let it stage rows inside its transaction, then kill it hard
    await new Promise((r) => setTimeout(r, 1500))
    expect(child.exitCode).toBeNull()
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    expect(await count('incident')).toBe(0)
    expect(await count('incident_snap')).toBe(0)
    const uploads = await handle.db.selectFrom('incident_upload').select(['status']).execute()
    expect(uploads).toEqual([{ status: 'running' }])

    const rerun = await runPatrol(['incidents', 'import', file, '--network', 'atlanta', '--json'], {
      DATABASE_URL: databaseUrl,
    })
    expect(rerun.code).toBe(0)
    expect(await count('incident')).toBeGreaterThan(50_000)
  }, 180_000)
})
