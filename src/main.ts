import { readFileSync } from 'node:fs'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from './config.js'
import { countActiveApiKeys } from './db/api-keys.js'
import { openDatabase, type DbHandle } from './db/connect.js'
import { migrateToLatest } from './db/migrate.js'
import { syncServiceTypes } from './db/report-types.js'
import { buildApp } from './http/app.js'
import { createLogger, type Logger } from './log.js'
import { loadDemoCity } from './services/demo-city.js'
import { createJobQueue, type JobQueue } from './services/job-queue.js'
import { NetworkCache } from './services/network-cache.js'
import { RiskService } from './services/risk.js'
import { runScheduleSlot } from './services/schedules.js'
import { parseServiceTypes } from './reports/index.js'

/**
 * Time close-with-grace allows beyond SHUTDOWN_GRACE_MS (which drain() may use up entirely) for
 * closing the app, stopping the job queue (pg-boss waits up to 10 s) and closing the database
 * (PGlite checkpoints) before it gives up and exits 1.
 */
export const SHUTDOWN_MARGIN_MS = 15_000

export interface RunningService {
  readonly app: FastifyInstance
  readonly config: Config
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>
}

/** Raised when the service must not start; the message says what to do. */
export class StartupError extends Error {
  readonly code = 'startup-refused'
}

/** Opens the database the config names, migrates it and syncs the report types; the caller closes it. */
export async function openMigratedDatabase(config: Config, log: Logger): Promise<DbHandle> {
  const handle = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: config.pgliteDir,
  })
  try {
    const results = await migrateToLatest(handle.db)
    for (const r of results) log.info({ migration: r.migrationName, status: r.status }, 'migration')
    const types = parseServiceTypes(
      readFileSync(config.reportTypesFile, 'utf8'),
      config.reportTypesFile,
    )
    await syncServiceTypes(handle.db, types)
  } catch (err) {
    await handle.close()
    throw err
  }
  return handle
}

/**
 * Composition root: config → logger → database → migrations → app → listen.
 * Nothing listens until every check passed; bad config throws before the database opens.
 */
export async function startService(
  env: Readonly<Record<string, string | undefined>>,
): Promise<RunningService> {
  const config = loadConfig(env)
  const log = createLogger(config.logLevel)
  const handle = await openMigratedDatabase(config, log)
  log.info({ database: handle.location }, 'database ready')
  let app: FastifyInstance | undefined
  let jobs: JobQueue | undefined
  try {
    if (config.databaseUrl && !config.reportHashKey) {
      log.warn(
        'REPORT_HASH_KEY is not set: resident device and account ids are hashed with a key drawn for this process, so report caps reset on restart and are counted per process',
      )
    }
    if (!config.authEnabled) {
      log.warn(
        { host: config.host },
        'auth is off: every request acts as admin (allowed on loopback only)',
      )
    } else if ((await countActiveApiKeys(handle.db)) === 0) {
      throw new StartupError(
        'auth is on but no API key exists: create one with `patrol keys create --role admin`',
      )
    }
    const networks = new NetworkCache(handle.db)
    const risk = new RiskService(handle.db, networks)
    if (config.demoDataDir) {
      const started = performance.now()
      try {
        const demo = await loadDemoCity(handle, networks, risk, config.demoDataDir, log)
        if (demo) log.info({ ms: Math.round(performance.now() - started) }, 'demo city ready')
      } catch (err) {
        log.error({ err }, 'loading the demo city failed; serving without it')
      }
    }
    jobs = createJobQueue(handle, config.databaseUrl, log, config.jobSchema)
    if (config.worker) {
      await jobs.work(
        (job, final) => runScheduleSlot({ db: handle.db, networks, risk }, job, final),
        config.workerConcurrency,
      )
    }
    app = await buildApp({ handle, log, config, networks, risk, jobs })
    await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    await app?.close()
    await jobs?.stop()
    await handle.close()
    throw err
  }
  const running = app
  const queue = jobs!
  let closing: Promise<void> | undefined
  return {
    app: running,
    config,
    close: () =>
      (closing ??= (async () => {
        try {
          await running.drain(config.shutdownGraceMs)
          // closes every connection still open (forceCloseConnections): a request that outlived
          // the grace period cannot keep the queue and the database from closing
          await running.close()
          await queue.stop()
        } finally {
          await handle.close()
        }
      })()),
  }
}

/**
 * `patrol serve`: starts the service and stops it gracefully on SIGTERM/SIGINT
 * (a second signal, or SHUTDOWN_GRACE_MS plus SHUTDOWN_MARGIN_MS running out, exits at once).
 */
export async function serve(
  env: Readonly<Record<string, string | undefined>>,
): Promise<RunningService> {
  const service = await startService(env)
  const log = service.app.log
  // the drain may take the whole grace period: the rest of the shutdown needs time after it
  const delay = service.config.shutdownGraceMs + SHUTDOWN_MARGIN_MS
  closeWithGrace({ delay }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an uncaught error')
    else log.info({ signal }, 'shutting down')
    await service.close()
  })
  return service
}
