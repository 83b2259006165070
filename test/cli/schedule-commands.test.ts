import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DbHandle } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { jsonSummary, runPatrol } from '../helpers/cli.js'
import { countRows, openTestDatabase, schemaUrlOf } from '../helpers/db.js'

const WEEK = ['schedule', '--network', 'atlanta', '--week', '2022-W10', '--units-per-day', '3']
const SEED = {
  years: ['2022'],
  station: true,
  snapshotAsOf: '2022-03-07T00:00:00-05:00',
} as const

describe('pglite: patrol schedule --no-wait', () => {
  let dir: string
  let pgliteDir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patrol-schedule-cli-'))
    pgliteDir = join(dir, 'db')
    const handle = await openDatabase({ pgliteDir })
    try {
      await migrateToLatest(handle.db)
      await seedAtlanta(handle, SEED)
    } finally {
      await handle.close()
    }
  })
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('is refused before a schedule version is stored or queued', async () => {
    const run = await runPatrol([...WEEK, '--no-wait', '--json'], { PGLITE_DIR: pgliteDir })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/--no-wait needs PostgreSQL/)
    const handle = await openDatabase({ pgliteDir })
    try {
      expect(await countRows(handle.db, 'schedule')).toBe(0)
      expect(await countRows(handle.db, 'schedule_slot')).toBe(0)
    } finally {
      await handle.close()
    }
  }, 60_000)
})

describe.runIf(process.env.TEST_DATABASE_URL)('postgres: patrol schedule, queue refusing', () => {
  let handle: DbHandle
  let env: Record<string, string>
  let jobSchema: string

  beforeAll(async () => {
    handle = await openTestDatabase('postgres')
    const { url, schema } = await schemaUrlOf(handle)
    jobSchema = `${schema}_jobs`
    env = { DATABASE_URL: url, JOB_SCHEMA: jobSchema }
    await seedAtlanta(handle, SEED)
    // a job schema pg-boss takes as installed but cannot use: inserting jobs fails
    if (handle.backend.kind === 'postgres') {
      await handle.backend.pool.query(`create schema ${jobSchema}`)
      await handle.backend.pool.query(`create table ${jobSchema}.version (version text)`)
      await handle.backend.pool.query(`insert into ${jobSchema}.version values ('9999')`)
    }
  })
  afterAll(async () => {
    if (handle?.backend.kind === 'postgres')
      await handle.backend.pool.query(`drop schema if exists ${jobSchema} cascade`)
    await handle?.close()
  })

  it('fails the schedule with the reason instead of leaving it running', async () => {
    const run = await runPatrol([...WEEK, '--no-wait', '--json'], env)
    expect(run.code).toBe(1)
    expect(jsonSummary(run)).toMatchObject({ ok: false, code: 'queue-unavailable' })
    const schedule = await handle.db
      .selectFrom('schedule')
      .select(['status', 'error'])
      .executeTakeFirstOrThrow()
    expect(schedule.status).toBe('failed')
    expect(schedule.error).toMatch(/^queue-unavailable: /)
    const pending = await handle.db
      .selectFrom('schedule_slot')
      .select('day')
      .where('status', '=', 'pending')
      .execute()
    expect(pending).toHaveLength(0)
  }, 60_000)
})
