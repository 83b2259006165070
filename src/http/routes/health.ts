import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { pendingMigrations } from '../../db/migrate.js'
import { AppError } from '../errors.js'
import type { AppDeps } from '../app.js'
import { problemResponses } from '../schemas.js'

const READY_TIMEOUT_MS = 2000 // PGlite serialises queries: a long upload must not hang the probe

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Liveness (the process answers) and readiness (database reachable, migrations applied). */
export async function healthRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'The service can take traffic: database reachable, migrations applied',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), pendingMigrations: Type.Integer() }),
          ...problemResponses(503),
        },
      },
    },
    async (request) => {
      let pending: readonly string[]
      try {
        pending = await withTimeout(pendingMigrations(db), READY_TIMEOUT_MS, 'the database')
      } catch (err) {
        request.log.warn({ err }, 'readiness: database check failed')
        throw new AppError(503, 'not-ready', 'the database did not answer')
      }
      if (pending.length > 0) {
        throw new AppError(503, 'not-ready', `migrations not applied: ${pending.join(', ')}`)
      }
      return { status: 'ready' as const, pendingMigrations: 0 }
    },
  )
}
