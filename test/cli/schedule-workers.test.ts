import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { jsonSummary, runPatrol, startPatrol } from '../helpers/cli.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { openTestDatabase, schemaUrlOf } from '../helpers/db.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.runIf(process.env.TEST_DATABASE_URL)(
  'postgres: schedule jobs shared by two workers, one killed',
  () => {
    let handle: DbHandle
    let env: Record<string, string>
    let jobSchema: string

    beforeAll(async () => {
      handle = await openTestDatabase('postgres')
      const { url, schema } = await schemaUrlOf(handle)
      jobSchema = `${schema}_jobs`
      env = { DATABASE_URL: url, JOB_SCHEMA: jobSchema }
      await seedAtlanta(handle, {
        years: ['2021', '2022'],
        now: new Date('2022-01-01T00:00:00Z'),
        station: true,
        snapshotAsOf: '2022-03-07T00:00:00-05:00',
      })
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('completes the week with exactly one plan per day and shift after kill -9 of a worker', async () => {
      const queued = await runPatrol(
        [
          'schedule',
          '--network',
          'atlanta',
          '--week',
          '2022-W10',
          '--units-per-day',
          '6',
          '--no-wait',
          '--json',
        ],
        env,
      )
      expect(queued.code).toBe(0)
      const scheduleId = jsonSummary(queued).id as string
      const doneCount = async () =>
        (
          await handle.db
            .selectFrom('schedule_slot')
            .select('status')
            .where('schedule_id', '=', scheduleId)
            .where('status', '=', 'done')
            .execute()
        ).length
      const victim = startPatrol(['worker'], env)
      const survivor = startPatrol(['worker'], env)
      const victimExit = new Promise<NodeJS.Signals | null>((resolve) =>
        victim.on('close', (_c, signal) => resolve(signal)),
      )
      const active = async () =>
        Number(
          (
            await sql<{
              n: number
            }>`select count(*)::int as n from ${sql.table(`${jobSchema}.job`)} where state = 'active'`.execute(
              handle.db,
            )
          ).rows[0]!.n,
        )
      // kill the victim while both workers hold a job, so one job is lost mid-plan
      let bothBusy = false
      for (let i = 0; i < 1200 && !bothBusy; i++) {
        await sleep(25)
        bothBusy = (await doneCount()) >= 3 && (await active()) === 2
      }
      expect(bothBusy).toBe(true)
      victim.kill('SIGKILL')
      expect(await victimExit).toBe('SIGKILL')
      let status = 'running'
      for (let i = 0; i < 240 && status === 'running'; i++) {
        await sleep(500)
        status = (
          await handle.db
            .selectFrom('schedule')
            .select('status')
            .where('id', '=', scheduleId)
            .executeTakeFirstOrThrow()
        ).status
      }
      expect(status).toBe('completed')
      const plans = await handle.db
        .selectFrom('patrol_plan')
        .select('schedule_key')
        .where('schedule_key', 'like', `${scheduleId}:%`)
        .execute()
      expect(plans).toHaveLength(21)
      expect(new Set(plans.map((p) => p.schedule_key)).size).toBe(21)
      expect(await doneCount()).toBe(21)
      const survivorExit = new Promise<number | null>((resolve) =>
        survivor.on('close', (code) => resolve(code)),
      )
      survivor.kill('SIGTERM')
      expect(await survivorExit).toBe(0)
    }, 180_000)
  },
)
