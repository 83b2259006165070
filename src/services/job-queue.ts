import { PgBoss } from 'pg-boss'
import type { DbHandle } from '../db/connect.js'
import { listPendingSlots } from '../db/schedules.js'
import type { Logger } from '../log.js'
import type { SlotJob } from './schedules.js'

/** Retries after the first attempt; then the slot and its schedule are reported failed. */
export const RETRY_LIMIT = 2
/** A worker that stops sending heartbeats (killed) loses its job after this long, seconds. */
export const HEARTBEAT_SECONDS = 10

/** Runs one job; `final` tells it whether a failure now is the last attempt. */
export type SlotHandler = (job: SlotJob, final: boolean) => Promise<unknown>

/** The schedule's jobs: pg-boss on PostgreSQL (shared by any number of workers), in-process on PGlite. */
export interface JobQueue {
  enqueue(jobs: readonly SlotJob[]): Promise<void>
  /** Starts working jobs in this process with `concurrency` at a time. */
  work(handler: SlotHandler, concurrency: number): Promise<void>
  stop(): Promise<void>
}

const QUEUE = 'schedule-slot'

class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss
  private ready: Promise<void> | undefined

  constructor(
    connectionString: string,
    schema: string,
    private readonly log: Logger,
  ) {
    // 5 s supervision and monitor passes notice a killed worker's missed heartbeats soon after they expire
    this.boss = new PgBoss({
      connectionString,
      schema,
      max: 4,
      superviseIntervalSeconds: 5,
      monitorIntervalSeconds: 5,
    })
    this.boss.on('error', (err) => log.error({ err }, 'job queue error'))
  }

  private start(): Promise<void> {
    return (this.ready ??= (async () => {
      await this.boss.start()
      if (!(await this.boss.getQueue(QUEUE))) {
        await this.boss.createQueue(QUEUE, {
          retryLimit: RETRY_LIMIT,
          retryDelay: 1,
          heartbeatSeconds: HEARTBEAT_SECONDS,
          expireInSeconds: 900,
        })
      }
    })())
  }

  async enqueue(jobs: readonly SlotJob[]): Promise<void> {
    await this.start()
    // the slot key makes a repeated enqueue of the same slot a no-op while it waits
    await this.boss.insert(
      QUEUE,
      jobs.map((data) => ({
        data: { ...data },
        singletonKey: `${data.scheduleId}:${data.day}:${data.shift}`,
      })),
    )
  }

  async work(handler: SlotHandler, concurrency: number): Promise<void> {
    await this.start()
    await this.boss.work<SlotJob>(
      QUEUE,
      { localConcurrency: concurrency, pollingIntervalSeconds: 0.5 },
      async ([job]) => {
        await handler(job!.data, job!.retryCount >= RETRY_LIMIT)
      },
    )
  }

  async stop(): Promise<void> {
    if (this.ready) await this.boss.stop({ graceful: true, timeout: 10_000 })
  }
}

/**
 * PGlite serves one process: jobs run one after another in it, with the same retry rule. Slots
 * left pending by a stopped process are picked up again when work() starts.
 */
class InProcessQueue implements JobQueue {
  private readonly waiting: SlotJob[] = []
  private handler: SlotHandler | undefined
  private running: Promise<void> | undefined
  private stopped = false

  constructor(
    private readonly handle: DbHandle,
    private readonly log: Logger,
  ) {}

  async enqueue(jobs: readonly SlotJob[]): Promise<void> {
    this.waiting.push(...jobs)
    this.kick()
  }

  async work(handler: SlotHandler): Promise<void> {
    this.handler = handler
    const pending = await listPendingSlots(this.handle.db)
    this.waiting.push(
      ...pending.map((s) => ({ scheduleId: s.schedule_id, day: s.day, shift: s.shift })),
    )
    this.kick()
  }

  /** Resolves when every queued job has run (tests and the CLI wait on it). */
  async drain(): Promise<void> {
    while (this.running) await this.running
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.drain()
  }

  private kick(): void {
    if (this.running || !this.handler || this.stopped) return
    this.running = (async () => {
      while (this.waiting.length > 0 && !this.stopped) {
        const job = this.waiting.shift()!
        for (let attempt = 0; attempt <= RETRY_LIMIT; attempt++) {
          try {
            await this.handler!(job, attempt === RETRY_LIMIT)
            break
          } catch (err) {
            this.log.warn({ err, job, attempt }, 'schedule job failed')
          }
        }
      }
    })().finally(() => {
      this.running = undefined
      if (this.waiting.length > 0) this.kick()
    })
  }
}

/** The queue the database calls for. `schema` names pg-boss's own schema on PostgreSQL. */
export function createJobQueue(
  handle: DbHandle,
  databaseUrl: string | undefined,
  log: Logger,
  schema = 'pgboss',
): JobQueue & { drain?(): Promise<void> } {
  return handle.backend.kind === 'postgres' && databaseUrl
    ? new PgBossQueue(databaseUrl, schema, log)
    : new InProcessQueue(handle, log)
}
