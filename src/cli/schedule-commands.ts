import { Option, type Command } from 'commander'
import { findScheduleById, listSlots } from '../db/schedules.js'
import { createJobQueue } from '../services/job-queue.js'
import { NetworkCache } from '../services/network-cache.js'
import { RiskService } from '../services/risk.js'
import { runScheduleSlot, startSchedule } from '../services/schedules.js'
import { action, integerArg, withDatabase } from './command.js'
import { progressReporter } from './progress.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `patrol schedule …` and `patrol worker`. */
export function addScheduleCommands(program: Command): void {
  program
    .command('schedule')
    .description(
      "plan a week: each day's units split across shifts by expected crime, one plan per day × shift",
    )
    .requiredOption('--network <name>', 'network name')
    .requiredOption('--week <week>', 'ISO week, e.g. 2022-W10')
    // the same ranges as POST /v1/schedules
    .option('--units-per-day <n>', 'units on duty each day (1–120)', integerArg(1, 120), 12)
    .option('--min-per-shift <n>', 'fewest units in any shift (0–40)', integerArg(0, 40), 1)
    .option('--max-per-shift <n>', 'most units in any shift (0–120)', integerArg(0, 120))
    .option('--station <code>', 'station the units start from (default: the only one)')
    .option('--no-work', 'PostgreSQL: only queue the jobs and wait for other workers')
    .option('--no-wait', 'queue the jobs and return (PostgreSQL: `patrol worker` does them)')
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(
        async (
          ctx,
          opts: {
            network: string
            week: string
            unitsPerDay: number
            minPerShift: number
            maxPerShift?: number
            station?: string
            work: boolean
            wait: boolean
          },
        ) => {
          // refuse before anything is stored: a schedule queued here would wait for a worker that
          // cannot exist (the embedded database serves one process)
          if (!opts.wait && !ctx.config.databaseUrl)
            throw new Error(
              '--no-wait needs PostgreSQL: the embedded database runs jobs in the process that queued them',
            )
          return withDatabase(ctx, async (handle) => {
            const networks = new NetworkCache(handle.db)
            const planCtx = { db: handle.db, networks, risk: new RiskService(handle.db, networks) }
            const queue = createJobQueue(
              handle,
              ctx.config.databaseUrl,
              ctx.log,
              ctx.config.jobSchema,
            )
            let created
            try {
              // a queue that refuses the jobs fails the schedule (ScheduleNotQueued)
              created = await startSchedule(planCtx, queue, { ...opts, now: new Date() })
            } catch (err) {
              await queue.stop().catch(() => {})
              throw err
            }
            const { schedule } = created
            const embedded = handle.backend.kind === 'pglite'
            if (opts.wait && (opts.work || embedded))
              await queue.work(
                (job, final) => runScheduleSlot(planCtx, job, final),
                ctx.config.workerConcurrency,
              )
            const report = ctx.json
              ? () => {}
              : progressReporter(
                  `${schedule.network_name} ${schedule.week} v${schedule.version} plans`,
                )
            let current = schedule
            while (opts.wait && current.status === 'running') {
              const rows = await listSlots(handle.db, schedule.id)
              report(rows.filter((r) => r.status !== 'pending').length, rows.length)
              await sleep(500)
              current = (await findScheduleById(handle.db, schedule.id))!
            }
            await queue.stop()
            const rows = await listSlots(handle.db, schedule.id)
            report(rows.filter((r) => r.status !== 'pending').length, rows.length)
            return {
              ...(current.status === 'failed'
                ? {
                    failure: {
                      reason: `schedule ${schedule.id} (${schedule.week} version ${schedule.version}) failed: ${current.error ?? 'no reason recorded'}`,
                      code: 'schedule-failed',
                    },
                  }
                : {}),
              lines: [
                `schedule ${schedule.id} (${schedule.week} version ${schedule.version}): ${current.status}${current.error ? ` — ${current.error}` : ''}`,
                ...rows
                  .filter((r) => r.shift === 'shift:0')
                  .map(
                    (r) =>
                      `${r.day}: ${rows
                        .filter((x) => x.day === r.day)
                        .map((x) => x.explanation)
                        .join('; ')}`,
                  ),
              ],
              summary: {
                id: schedule.id,
                week: schedule.week,
                version: schedule.version,
                status: current.status,
                plans: rows.filter((r) => r.plan_id).length,
                slots: rows.length,
              },
            }
          })
        },
      ),
    )

  program
    .command('worker')
    .description(
      'work schedule jobs from the PostgreSQL queue until stopped (any number of workers may run)',
    )
    .addOption(
      new Option('--concurrency <n>', 'jobs at a time (1–16)')
        .argParser(integerArg(1, 16))
        .default(1),
    )
    .action(
      action(async (ctx, opts: { concurrency: number }) => {
        if (!ctx.config.databaseUrl)
          throw new Error(
            'a separate worker needs PostgreSQL (DATABASE_URL); on the embedded database `patrol serve` works the jobs',
          )
        await withDatabase(ctx, async (handle) => {
          const networks = new NetworkCache(handle.db)
          const planCtx = { db: handle.db, networks, risk: new RiskService(handle.db, networks) }
          const queue = createJobQueue(
            handle,
            ctx.config.databaseUrl,
            ctx.log,
            ctx.config.jobSchema,
          )
          await queue.work(async (job, final) => {
            const outcome = await runScheduleSlot(planCtx, job, final)
            process.stdout.write(
              `${new Date().toISOString()} ${job.scheduleId} ${job.day} ${job.shift}: ${outcome}\n`,
            )
          }, opts.concurrency)
          process.stdout.write(
            `worker ${process.pid} waiting for schedule jobs (concurrency ${opts.concurrency})\n`,
          )
          await new Promise<void>((resolve) => {
            process.once('SIGTERM', resolve)
            process.once('SIGINT', resolve)
          })
          await queue.stop()
        })
      }),
    )
}
