import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { findApiKey, type ApiKey } from '../db/api-keys.js'
import type { Database } from '../db/database.js'
import type { Role } from '../roles.js'
import { AppError } from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on the route (admin always is). Absent: a public route. */
    roles?: readonly Role[]
  }
  interface FastifyRequest {
    /** The caller's key; the built-in demo key when auth is off. */
    apiKey: ApiKey | undefined
  }
}

/** The identity every request gets when auth is off (loopback demo only). */
export const DEMO_KEY: ApiKey = Object.freeze({
  id: 'demo',
  role: 'admin',
  label: 'auth off (loopback)',
})

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice(7).trim()
  const apiKey = request.headers['x-api-key']
  return typeof apiKey === 'string' ? apiKey.trim() : undefined
}

/**
 * Checks the API key of every request to a route that declares `config.roles`.
 * Keys come as `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 */
export function installAuth(app: FastifyInstance, db: Kysely<Database>, enabled: boolean): void {
  app.decorateRequest('apiKey', undefined)
  app.addHook('onRequest', async (request, reply) => {
    const roles = request.routeOptions.config?.roles
    if (!roles) return
    if (!enabled) {
      request.apiKey = DEMO_KEY
      return
    }
    const presented = presentedKey(request)
    if (!presented) {
      reply.header('www-authenticate', 'Bearer')
      throw new AppError(401, 'missing-api-key', 'send an API key as "Authorization: Bearer <key>"')
    }
    const key = await findApiKey(db, presented)
    if (!key) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"')
      throw new AppError(401, 'invalid-api-key', 'the API key is unknown, revoked or malformed')
    }
    if (key.role !== 'admin' && !roles.includes(key.role)) {
      throw new AppError(
        403,
        'forbidden-role',
        `this route needs role ${roles.join(' or ')}; the key has ${key.role}`,
      )
    }
    request.apiKey = key
  })
}
