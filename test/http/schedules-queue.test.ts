import { createReadStream } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { findNetwork } from '../../src/db/networks.js'
import { findPlan } from '../../src/db/plans.js'
import { listSlots } from '../../src/db/schedules.js'
import type { JobQueue } from '../../src/services/job-queue.js'
import { importNetworkFile } from '../../src/services/network-import.js'
import { createSchedule, runScheduleSlot } from '../../src/services/schedules.js'
import { buildTestApp } from '../helpers/app.js'
import { ATLANTA_PBF, seedAtlanta } from '../helpers/atlanta.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

describe.each(DIALECTS)('%s: schedules whose jobs cannot run as queued', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  let planCtx: Parameters<typeof runScheduleSlot>[0]
  const week = { network: 'atlanta', week: '2022-W10', unitsPerDay: 3, minPerShift: 1 }
  // a queue whose database is down
  const brokenQueue: JobQueue = {
    enqueue: async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432')
    },
    work: async () => {},
    stop: async () => {},
  }

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    const { networks, risk } = await seedAtlanta(handle, {
      years: ['2022'],
      station: true,
      snapshotAsOf: '2022-03-07T00:00:00-05:00',
    })
    planCtx = { db: handle.db, networks, risk }
    app = await buildTestApp(handle, {}, undefined, { networks, risk, jobs: brokenQueue })
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('answers 503 queue-unavailable and fails the schedule when the queue refuses its jobs', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/schedules', payload: week })
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const body = res.json()
    expect(body).toMatchObject({ status: 503, code: 'queue-unavailable', version: 1 })
    const view = (await app.inject('/v1/schedules/2022-W10?network=atlanta')).json()
    expect(view).toMatchObject({
      id: body.scheduleId,
      status: 'failed',
      progress: { done: 0, failed: 21, pending: 0, total: 21 },
      error: expect.stringMatching(/^queue-unavailable: .*ECONNREFUSED/),
    })
  })

  it('plans a schedule slot on the network version the week was staffed on', async () => {
    const { schedule } = await createSchedule(planCtx, {
      ...week,
      week: '2022-W11',
      now: new Date(),
    })
    const staffedOn = (await findNetwork(handle.db, 'atlanta'))!
    expect(schedule.network_id).toBe(staffedOn.id)
    // a new version of the name arrives mid-week (it has no risk snapshot yet)
    await importNetworkFile(handle.db, createReadStream(ATLANTA_PBF), {
      name: 'atlanta',
      sourceName: 'mid-week',
      timezone: 'America/New_York',
    })
    expect((await findNetwork(handle.db, 'atlanta'))!.version).toBe(staffedOn.version + 1)
    const slot = (await listSlots(handle.db, schedule.id)).find((s) => s.units > 0)!
    const job = { scheduleId: schedule.id, day: slot.day, shift: slot.shift }
    expect(await runScheduleSlot(planCtx, job, true)).toBe('planned')
    const done = (await listSlots(handle.db, schedule.id)).find(
      (s) => s.day === slot.day && s.shift === slot.shift,
    )!
    expect(done.status).toBe('done')
    const plan = (await findPlan(handle.db, done.plan_id!))!
    expect(plan.version).toBe(staffedOn.version)
    expect(plan.riskAsOf).toBe(schedule.risk_as_of.toISOString())
    const row = await handle.db
      .selectFrom('patrol_plan')
      .select('network_id')
      .where('id', '=', done.plan_id!)
      .executeTakeFirstOrThrow()
    expect(row.network_id).toBe(staffedOn.id)
  })
})
