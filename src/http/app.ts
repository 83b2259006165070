import { randomUUID } from 'node:crypto'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { DbHandle } from '../db/connect.js'
import type { Database } from '../db/database.js'
import type { Logger } from '../log.js'
import { NetworkCache } from '../services/network-cache.js'
import { createJobQueue, type JobQueue } from '../services/job-queue.js'
import { RiskService } from '../services/risk.js'
import { installAuth } from './auth.js'
import { installDrain } from './drain.js'
import { installErrorHandlers } from './errors.js'
import { healthRoutes } from './routes/health.js'
import { incidentRoutes } from './routes/incidents.js'
import { meRoutes } from './routes/me.js'
import { networkRouteRoutes } from './routes/network-route.js'
import { networkRoutes } from './routes/networks.js'
import { open311Routes } from './routes/open311.js'
import { planRoutes } from './routes/plans.js'
import { reportReviewRoutes } from './routes/report-review.js'
import { riskRoutes } from './routes/risk.js'
import { scheduleRoutes } from './routes/schedules.js'
import { ProblemSchema } from './schemas.js'

/** Everything the HTTP layer needs; the server and the tests build the same app from it. */
export interface AppDeps {
  readonly handle: DbHandle
  /** `handle.db`, for brevity. */
  readonly db: Kysely<Database>
  readonly log: Logger
  readonly config: Config
  /** In-process routing graphs; shared with jobs when the caller passes one. */
  readonly networks: NetworkCache
  /** Risk contexts and snapshots over those graphs. */
  readonly risk: RiskService
  /** Where schedule jobs go (pg-boss on PostgreSQL, in-process on PGlite). */
  readonly jobs: JobQueue
}

const REQUEST_ID = /^[\w.-]{1,64}$/ // a client's id is echoed into logs: keep it tame

/**
 * Builds the Fastify app with every route registered; does not listen.
 * Validation rejects unknown properties instead of stripping them (mass assignment).
 */
export async function buildApp(
  given: Pick<AppDeps, 'handle' | 'log' | 'config'> & Partial<AppDeps>,
): Promise<FastifyInstance> {
  const db = given.handle.db
  const networks = given.networks ?? new NetworkCache(db)
  const deps: AppDeps = {
    ...given,
    db,
    networks,
    risk: given.risk ?? new RiskService(db, networks),
    jobs:
      given.jobs ??
      createJobQueue(given.handle, given.config.databaseUrl, given.log, given.config.jobSchema),
  }
  const { config } = deps
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    // time until the whole request has arrived, body included: uploads are read only as fast as
    // they are imported, so the default is an hour (REQUEST_TIMEOUT_MS); headers alone still have
    // Node's 60 s headersTimeout (set below)
    requestTimeout: config.requestTimeoutMs,
    handlerTimeout: config.handlerTimeoutMs,
    return503OnClosing: true,
    // close() ends every connection, even one whose request is still running: shutdown drains
    // first (up to SHUTDOWN_GRACE_MS), so whatever is left then must not keep close() waiting
    forceCloseConnections: true,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  })

  // slow-loris guard: a client has a minute to send its headers, whatever the request timeout
  app.server.headersTimeout = Math.min(60_000, config.requestTimeoutMs)

  app.addSchema(ProblemSchema)
  installErrorHandlers(app)
  installDrain(app)
  installAuth(app, deps.db, config.authEnabled)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Patrol route optimisation service',
        version: '0.1.0',
        description:
          'Street networks, incident ingest, segment risk and time-bucketed patrol plans.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
  })
  // routes that declare roles carry the security requirement in the OpenAPI document
  app.addHook('onRoute', (route) => {
    const roles = route.config?.roles
    if (!roles || !route.schema) return
    route.schema.security = [{ bearer: [] }, { apiKey: [] }]
    route.schema.description = [
      route.schema.description,
      `Roles: ${roles.join(', ')} (admin always).`,
    ]
      .filter(Boolean)
      .join('\n\n')
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  // multipart is parsed outside bodyLimit: every limit is explicit (ecosystem note §3)
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: {
      fileSize: config.uploadLimitBytes,
      files: 1,
      fields: 20,
      fieldSize: 64 * 1024,
      parts: 40,
      headerPairs: 200,
    },
  })
  // per-route limits (config.rateLimit), counted per API key
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) => request.apiKey?.id ?? request.ip,
  })

  await app.register(healthRoutes, deps)
  await app.register(meRoutes)
  await app.register(networkRoutes, deps)
  await app.register(networkRouteRoutes, deps)
  await app.register(incidentRoutes, deps)
  await app.register(riskRoutes, deps)
  await app.register(planRoutes, deps)
  await app.register(scheduleRoutes, deps)
  await app.register(open311Routes, deps)
  await app.register(reportReviewRoutes, deps)
  return app
}
