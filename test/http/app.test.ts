import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../src/db/api-keys.js'
import type { DbHandle } from '../../src/db/connect.js'
import { PROBLEM_CONTENT_TYPE } from '../../src/http/errors.js'
import { buildTestApp, captureLogs } from '../helpers/app.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

describe.each(DIALECTS)('%s: the HTTP app', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  let analystKey: string
  let residentKey: string
  const logs = captureLogs()

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    analystKey = (await createApiKey(handle.db, 'analyst', 'test analyst')).key
    residentKey = (await createApiKey(handle.db, 'resident-app')).key
    app = await buildTestApp(handle, { AUTH: 'on', BODY_LIMIT_BYTES: '2048' }, logs.stream)
    // a JSON-body route for the parser and limit checks; real routes use the same handlers
    app.post(
      '/test/echo',
      {
        schema: {
          body: {
            type: 'object',
            properties: { n: { type: 'integer' } },
            additionalProperties: false,
          },
        },
      },
      async (req) => req.body,
    )
    app.get('/test/boom', async () => {
      throw new Error('database password is hunter2')
    })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  describe('GET /health/live and /health/ready', () => {
    it('answers 200 when the database is reachable and migrated', async () => {
      expect((await app.inject('/health/live')).json()).toEqual({ status: 'ok' })
      const ready = await app.inject('/health/ready')
      expect(ready.statusCode).toBe(200)
      expect(ready.json()).toEqual({ status: 'ready', pendingMigrations: 0 })
    })
  })

  describe('errors', () => {
    it('answers an unknown route with problem+json 404 route-not-found', async () => {
      const res = await app.inject('/v1/nowhere?x=1')
      expect(res.statusCode).toBe(404)
      expect(res.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE)
      expect(res.json()).toMatchObject({
        type: '/problems/route-not-found',
        status: 404,
        code: 'route-not-found',
        detail: 'no route for GET /v1/nowhere',
        instance: '/v1/nowhere?x=1',
      })
      expect(res.json().requestId).toBe(res.headers['x-request-id'])
    })

    it('answers a malformed JSON body with 400 malformed-json', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/test/echo',
        headers: { 'content-type': 'application/json' },
        payload: '{"n": 1,',
      })
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('malformed-json')
    })

    it('answers a body over the limit with 413 body-too-large', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/test/echo',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ n: 1, pad: 'x'.repeat(4096) }),
      })
      expect(res.statusCode).toBe(413)
      expect(res.json().code).toBe('body-too-large')
    })

    it('rejects unknown and mistyped fields with 400 validation-failed naming the field', async () => {
      const extra = await app.inject({
        method: 'POST',
        url: '/test/echo',
        payload: { n: 1, admin: true },
      })
      expect(extra.statusCode).toBe(400)
      expect(extra.json()).toMatchObject({
        code: 'validation-failed',
        errors: [{ field: 'body.admin', message: 'unknown property "admin"' }],
      })
      const wrong = await app.inject({ method: 'POST', url: '/test/echo', payload: { n: 'many' } })
      expect(wrong.json().errors[0].field).toBe('body.n')
    })

    it('answers an unexpected error with a generic 500 and logs it with the request', async () => {
      const res = await app.inject('/test/boom')
      expect(res.statusCode).toBe(500)
      expect(res.json()).toMatchObject({
        code: 'internal-error',
        detail: 'an unexpected error occurred',
      })
      expect(res.body).not.toContain('hunter2')
      const logged = logs.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'unhandled error')
      expect(logged).toMatchObject({
        url: '/test/boom',
        method: 'GET',
        err: { message: 'database password is hunter2' },
      })
    })
  })

  describe('GET /v1/me (API keys)', () => {
    it('answers 401 missing-api-key without a key', async () => {
      const res = await app.inject('/v1/me')
      expect(res.statusCode).toBe(401)
      expect(res.json().code).toBe('missing-api-key')
      expect(res.headers['www-authenticate']).toBe('Bearer')
    })

    it('answers 401 invalid-api-key for a wrong, malformed or forged key', async () => {
      const forged = analystKey.slice(0, -4) + 'AAAA'
      for (const key of [forged, 'pat_nothing', 'x'.repeat(80)]) {
        const res = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${key}` } })
        expect(res.statusCode).toBe(401)
        expect(res.json().code).toBe('invalid-api-key')
      }
    })

    it('accepts the key as a bearer token or an X-API-Key header', async () => {
      const bearer = await app.inject({
        url: '/v1/me',
        headers: { authorization: `Bearer ${analystKey}` },
      })
      expect(bearer.json()).toMatchObject({ role: 'analyst', label: 'test analyst' })
      const header = await app.inject({ url: '/v1/me', headers: { 'x-api-key': residentKey } })
      expect(header.json().role).toBe('resident-app')
    })

    it('never writes a key into the log', async () => {
      await app.inject({
        url: '/v1/me',
        headers: { authorization: `Bearer ${analystKey}`, 'x-api-key': residentKey },
      })
      // the whole secret after pat_<id>_: base64url may itself contain '_'
      const secret = /^pat_[0-9a-f]{16}_(.+)$/.exec(analystKey)![1]!
      expect(logs.lines.length).toBeGreaterThan(0)
      expect(logs.lines.join('\n')).not.toContain(secret)
      expect(logs.lines.join('\n')).not.toContain(residentKey)
    })
  })

  describe('GET /docs/json', () => {
    it('publishes an OpenAPI document listing the routes and their security', async () => {
      const doc = (await app.inject('/docs/json')).json()
      expect(doc.openapi).toMatch(/^3\./)
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/health/live', '/health/ready', '/v1/me']),
      )
      expect(doc.paths['/v1/me'].get.security).toEqual([{ bearer: [] }, { apiKey: [] }])
      expect((await app.inject('/docs')).statusCode).toBeLessThan(400)
    })
  })
})
