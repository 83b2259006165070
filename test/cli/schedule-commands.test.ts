import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DbHandle } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { saveStation } from '../../src/db/plans.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { jsonSummary, runPatrol } from '../helpers/cli.js'
import { countRows, openTestDatabase, schemaUrlOf } from '../helpers/db.js'

const WEEK = ['schedule', '--network', 'atlanta', '--week', '2022-W10', '--units-per-day', '3']
const SEED = {
  years: ['2022'],
  station: true,
  snapshotAsOf: '2022-03-07T00:00:00-05:00',
} as const

describe('pglite: patrol schedule', () => {
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

  it.each([
    ['--units-per-day', 'abc', /from 1 to 120/],
    ['--units-per-day', '-3', /from 1 to 120/],
    ['--units-per-day', '1e9', /from 1 to 120/],
    ['--units-per-day', '2.5', /from 1 to 120/],
    ['--min-per-shift', '41', /from 0 to 40/],
    ['--max-per-shift', 'many', /from 0 to 120/],
  ])(
    'refuses %s %s with a one-line reason before storing anything',
    async (flag, value, range) => {
      const run = await runPatrol([...WEEK, flag, value], { PGLITE_DIR: pgliteDir })
      expect(run.code).not.toBe(0)
      const [reason] = run.stderr.trim().split('\n')
      expect(reason).toMatch(
        new RegExp(`^patrol: option '${flag} <n>' argument '${value}' is invalid`),
      )
      expect(reason).toMatch(range)
      const handle = await openDatabase({ pgliteDir })
      try {
        expect(await countRows(handle.db, 'schedule')).toBe(0)
      } finally {
        await handle.close()
      }
    },
    60_000,
  )

  it('exits 1 with the reason and ok:false when the schedule ends failed', async () => {
    // a station far from every street: each slot's plan is refused, so the schedule fails
    const handle = await openDatabase({ pgliteDir })
    try {
      await saveStation(handle.db, 'atlanta', {
        code: 'offshore',
        label: 'Offshore',
        lon: 0,
        lat: 0,
      })
    } finally {
      await handle.close()
    }
    const run = await runPatrol([...WEEK, '--station', 'offshore', '--json'], {
      PGLITE_DIR: pgliteDir,
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /^patrol: schedule \S+ \(2022-W10 version 1\) failed: .*too-far-from-street/m,
    )
    expect(jsonSummary(run)).toMatchObject({
      ok: false,
      code: 'schedule-failed',
      error: expect.stringMatching(/too-far-from-street/),
      week: '2022-W10',
      status: 'failed',
    })
    const text = await runPatrol([...WEEK, '--station', 'offshore'], { PGLITE_DIR: pgliteDir })
    expect(text.code).toBe(1)
    expect(text.stdout).toMatch(/version 2\): failed — /)
    expect(text.stderr).toMatch(/^patrol: schedule \S+ \(2022-W10 version 2\) failed: /m)
  }, 120_000)
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
