import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { createLogger } from '../../src/log.js'
import { createJobQueue } from '../../src/services/job-queue.js'
import { runScheduleSlot } from '../../src/services/schedules.js'
import { buildTestApp } from '../helpers/app.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { openTestDatabase } from '../helpers/db.js'

// The job path on PostgreSQL (pg-boss, several workers, kill -9) is test/cli/schedule-workers.test.ts.
describe('pglite: weekly schedules over HTTP, jobs in-process', () => {
  let handle: DbHandle
  let app: FastifyInstance
  let queue: ReturnType<typeof createJobQueue>
  let planCtx: Parameters<typeof runScheduleSlot>[0]
  const post = (body: object) => app.inject({ method: 'POST', url: '/v1/schedules', payload: body })
  const week = { network: 'atlanta', week: '2022-W10', unitsPerDay: 3, minPerShift: 1 }

  beforeAll(async () => {
    handle = await openTestDatabase('pglite')
    const { networks, risk } = await seedAtlanta(handle, {
      years: ['2021', '2022'],
      now: new Date('2022-01-01T00:00:00Z'),
      station: true,
      snapshotAsOf: '2022-03-07T00:00:00-05:00',
    })
    planCtx = { db: handle.db, networks, risk }
    queue = createJobQueue(handle, undefined, createLogger('silent'))
    app = await buildTestApp(handle, {}, undefined, { networks, risk, jobs: queue })
  })
  afterAll(async () => {
    await queue?.stop()
    await app?.close()
    await handle?.close()
  })

  it('refuses a week that does not exist, limits that cannot hold, a week without risk, an unknown network', async () => {
    expect((await post({ ...week, week: '2022-W53' })).json()).toMatchObject({
      status: 400,
      code: 'invalid-week',
      detail: '2022-W53 does not exist: 2022 has 52 ISO weeks',
    })
    expect((await post({ ...week, minPerShift: 3, maxPerShift: 2 })).json()).toMatchObject({
      status: 400,
      code: 'min-above-max',
    })
    expect((await post({ ...week, minPerShift: 2 })).json()).toMatchObject({
      status: 400,
      code: 'minimum-exceeds-units',
    })
    const early = (await post({ ...week, week: '2021-W10' })).json()
    expect(early).toMatchObject({ status: 409, code: 'no-risk-snapshot' })
    expect((await post({ ...week, network: 'gotham' })).statusCode).toBe(404)
    expect((await post({ ...week, week: '2022-10' })).json().errors[0].field).toBe('body.week')
  })

  it('queues 21 slots, staffs shifts by expected crime, and finishes with one plan each', async () => {
    const res = await post(week)
    expect(res.statusCode).toBe(202)
    const created = res.json()
    expect(created).toMatchObject({
      week: '2022-W10',
      version: 1,
      status: 'running',
      progress: { done: 0, total: 21 },
    })
    for (const day of created.days) {
      expect(
        day.shifts.map((s: { units: number }) => s.units).reduce((a: number, b: number) => a + b),
      ).toBe(3)
      expect(day.shifts[0].explanation).toMatch(
        /^shift 1 \(07–15\) gets \d of 3 units.*: \d+ % of expected crime$/,
      )
    }
    await queue.work((job, final) => runScheduleSlot(planCtx, job, final), 1)
    await queue.drain!()
    const done = (await app.inject('/v1/schedules/2022-W10?network=atlanta')).json()
    expect(done).toMatchObject({
      status: 'completed',
      progress: { done: 21, failed: 0, pending: 0, total: 21 },
    })
    const planIds = done.days.flatMap((d: any) => d.shifts.map((s: any) => s.planId))
    expect(new Set(planIds).size).toBe(21)
    const stored = await handle.db
      .selectFrom('patrol_plan')
      .select(['id', 'schedule_key'])
      .where('schedule_key', 'is not', null)
      .execute()
    expect(stored).toHaveLength(21)
  })

  it('never duplicates a plan when a slot job runs again', async () => {
    const schedule = (await app.inject('/v1/schedules/2022-W10?network=atlanta')).json()
    const again = await runScheduleSlot(
      planCtx,
      { scheduleId: schedule.id, day: '2022-03-07', shift: 'shift:1' },
      false,
    )
    expect(again).toBe('skipped')
    expect(
      await handle.db
        .selectFrom('patrol_plan')
        .select('id')
        .where('schedule_key', 'is not', null)
        .execute(),
    ).toHaveLength(21)
  })

  it('writes the weekly report with the exposure audit as JSON, Markdown and SVG', async () => {
    const report = (await app.inject('/v1/schedules/2022-W10/report?network=atlanta')).json()
    expect(report.shifts).toHaveLength(21)
    expect(report.totals.ratio).toBeGreaterThan(0.5)
    expect(report.totals.ratio).toBeLessThanOrEqual(1)
    expect(report.totals.explorationShare).toBeGreaterThan(0)
    const areas = report.exposure.areas
    expect(
      areas.reduce((a: number, x: { patrolShare: number }) => a + x.patrolShare, 0),
    ).toBeCloseTo(1, 6)
    expect(areas.reduce((a: number, x: { crimeShare: number }) => a + x.crimeShare, 0)).toBeCloseTo(
      1,
      6,
    )
    for (const a of areas) {
      // patrol with no crime has no finite ratio: null, with the reason
      expect(a.ratioNote).toBe(a.ratio === null ? 'patrol-without-crime' : null)
      expect(a.flagged).toBe(a.patrolShare >= 0.01 && (a.ratio === null || a.ratio > 2))
    }
    expect(areas.some((a: { area: string }) => a.area === 'Downtown')).toBe(true)
    const md = (await app.inject('/v1/schedules/2022-W10/report?network=atlanta&format=md')).body
    expect(md).toMatch(/^# Weekly schedule atlanta 2022-W10 \(version 1, completed\)/)
    expect(md).toMatch(/## Exposure audit/)
    const svg = await app.inject('/v1/schedules/2022-W10/report?network=atlanta&format=svg')
    expect(svg.headers['content-type']).toBe('image/svg+xml')
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  })

  it('regenerates on purpose as a new version and keeps the old one', async () => {
    const res = (await post({ ...week, unitsPerDay: 4 })).json()
    expect(res.version).toBe(2)
    await queue.drain!()
    expect((await app.inject('/v1/schedules/2022-W10?network=atlanta')).json()).toMatchObject({
      version: 2,
      status: 'completed',
    })
    expect(
      (await app.inject('/v1/schedules/2022-W10?network=atlanta&version=1')).json(),
    ).toMatchObject({ version: 1, status: 'completed' })
  })
})
