/**
 * Weekly schedule throughput: a full week (7 days × 3 shifts, 12 units a day) on Atlanta, worked by
 * one `patrol worker` process and then by two, through pg-boss on the local PostgreSQL; and the same
 * week in-process on PGlite for context. Wall time from queueing to the schedule's completion.
 * Run: npm run bench:schedules   (needs PostgreSQL on 127.0.0.1:5432; BENCH_DATABASE_URL overrides)
 * Last line: `week 1 worker <s> s, 2 workers <s> s, speed-up <x>`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { openDatabase, type DbHandle } from '../src/db/connect.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { saveStation } from '../src/db/plans.js'
import { findScheduleById } from '../src/db/schedules.js'
import { createLogger } from '../src/log.js'
import { uploadIncidents } from '../src/services/incident-upload.js'
import { createJobQueue } from '../src/services/job-queue.js'
import { NetworkCache } from '../src/services/network-cache.js'
import { importNetworkFile } from '../src/services/network-import.js'
import { RiskService } from '../src/services/risk.js'
import { createSchedule, runScheduleSlot } from '../src/services/schedules.js'

const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test'
const WEEK = '2022-W10'
const UNITS = 12
const BIN = fileURLToPath(new URL('../bin/patrol.js', import.meta.url))
const log = createLogger('silent')

async function prepare(handle: DbHandle) {
  await migrateToLatest(handle.db)
  const networks = new NetworkCache(handle.db)
  const risk = new RiskService(handle.db, networks)
  await importNetworkFile(
    handle.db,
    createReadStream('data/atlanta/central-atlanta-filtered.osm.pbf'),
    { name: 'atlanta', sourceName: 'bench', timezone: 'America/New_York' },
  )
  const files = ['2020', '2021', '2022'].map((y) => ({
    name: y,
    open: () => createReadStream(`data/atlanta/COBRA-${y}.csv.gz`),
  }))
  await uploadIncidents(handle, networks, {
    networkName: 'atlanta',
    files,
    dryRun: false,
    now: new Date('2022-01-01T00:00:00Z'),
  })
  await saveStation(handle.db, 'atlanta', {
    code: 'apd-zone-5',
    label: 'Zone 5',
    lon: -84.3935,
    lat: 33.7633,
  })
  await risk.refreshSnapshots(
    (await networks.find('atlanta'))!,
    new Date('2022-03-07T00:00:00-05:00'),
    'bench',
  )
  return { db: handle.db, networks, risk }
}

async function waitFor(handle: DbHandle, id: string): Promise<string> {
  for (;;) {
    const s = (await findScheduleById(handle.db, id))!
    if (s.status !== 'running') return s.status
    await new Promise((r) => setTimeout(r, 200))
  }
}

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  })
}

async function postgresRun(
  workers: number,
  ctx: Awaited<ReturnType<typeof prepare>>,
  handle: DbHandle,
  env: Record<string, string>,
  jobSchema: string,
) {
  const children = Array.from({ length: workers }, () => startWorker(env))
  // let the workers start (tsx, migrations) before the clock starts
  await new Promise((r) => setTimeout(r, 8000))
  const queue = createJobQueue(handle, URL_, log, jobSchema)
  const started = performance.now()
  const { schedule, slots } = await createSchedule(ctx, {
    network: 'atlanta',
    week: WEEK,
    unitsPerDay: UNITS,
    now: new Date(),
  })
  await queue.enqueue(slots.map((s) => ({ scheduleId: schedule.id, day: s.day, shift: s.shift })))
  const status = await waitFor(handle, schedule.id)
  const seconds = (performance.now() - started) / 1000
  await queue.stop()
  for (const child of children) child.kill('SIGTERM')
  await Promise.all(children.map((c) => new Promise((r) => c.once('close', r))))
  if (status !== 'completed') throw new Error(`schedule ${schedule.id} ended ${status}`)
  return seconds
}

const schema = `bench_sched_${process.pid}`
const jobSchema = `${schema}_jobs`
const pg = await openDatabase({ databaseUrl: URL_, schema })
try {
  const ctx = await prepare(pg)
  const env = {
    DATABASE_URL: `${URL_}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    JOB_SCHEMA: jobSchema,
  }
  const one = await postgresRun(1, ctx, pg, env, jobSchema)
  const two = await postgresRun(2, ctx, pg, env, jobSchema)

  const lite = await openDatabase({ pgliteDir: 'memory://' })
  const liteCtx = await prepare(lite)
  const queue = createJobQueue(lite, undefined, log)
  const started = performance.now()
  const { schedule, slots } = await createSchedule(liteCtx, {
    network: 'atlanta',
    week: WEEK,
    unitsPerDay: UNITS,
    now: new Date(),
  })
  await queue.enqueue(slots.map((s) => ({ scheduleId: schedule.id, day: s.day, shift: s.shift })))
  await queue.work((job, final) => runScheduleSlot(liteCtx, job, final), 1)
  await queue.drain!()
  const embedded = (performance.now() - started) / 1000
  await lite.close()

  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; node ${process.version}`)
  console.log(`Atlanta ${WEEK}, 21 shifts, ${UNITS} units a day, 80k search iterations per unit`)
  console.log(`PostgreSQL + pg-boss, 1 worker:  ${one.toFixed(1)} s`)
  console.log(`PostgreSQL + pg-boss, 2 workers: ${two.toFixed(1)} s`)
  console.log(`PGlite, in-process:              ${embedded.toFixed(1)} s`)
  console.log(
    `week 1 worker ${one.toFixed(1)} s, 2 workers ${two.toFixed(1)} s, speed-up ${(one / two).toFixed(2)}`,
  )
} finally {
  if (pg.backend.kind === 'postgres') {
    await pg.backend.pool.query(`drop schema if exists ${jobSchema} cascade`)
    await pg.backend.pool.query(`drop schema if exists ${schema} cascade`)
  }
  await pg.close()
}
