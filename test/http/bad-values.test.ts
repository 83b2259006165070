import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { dataExceptionOf } from '../../src/http/errors.js'
import { buildTestApp } from '../helpers/app.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

const LEAP = '2016-12-31T23:59:60Z'
const TOO_BIG = '3000000000'

/** Bad inputs answer 400 with a stable code, never 500 `internal-error`. */
describe.each(DIALECTS)('%s: values the database or Date cannot take', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    app = await buildTestApp(handle)
    // database errors as pg and PGlite raise them, for the codes no route reaches on its own
    app.get('/test/sqlstate/:code', async (request) => {
      const { code } = request.params as { code: string }
      throw Object.assign(new Error(`select secret from t where x = 'boom' (${code})`), {
        code,
        severity: 'ERROR',
      })
    })
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  const expectProblem = (
    res: Awaited<ReturnType<FastifyInstance['inject']>>,
    code: string,
  ): Record<string, unknown> => {
    expect(res.statusCode, res.body).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const body = res.json() as Record<string, unknown>
    expect(body.code).toBe(code)
    return body
  }

  describe('PostgreSQL data exceptions (SQLSTATE class 22)', () => {
    it('answers a NUL byte in a text value with 400 invalid-value, without the SQL', async () => {
      const risk = await app.inject(`/v1/risk?network=${encodeURIComponent('a\u0000b')}`)
      const body = expectProblem(risk, 'invalid-value')
      expect(body.detail).toBe('a value in the request is out of range or not allowed')
      expect(risk.body).not.toMatch(/byte sequence|UTF8|select/i)
      const schedule = await app.inject(
        `/v1/schedules/2022-W10?network=${encodeURIComponent('x\u0000')}`,
      )
      expectProblem(schedule, 'invalid-value')
    })

    it.each(['22021', '22P05', '22003', '22007', '22P02'])(
      'maps %s to 400 invalid-value with a generic detail',
      async (code) => {
        const res = await app.inject(`/test/sqlstate/${code}`)
        const body = expectProblem(res, 'invalid-value')
        expect(res.body).not.toMatch(/secret|boom/)
        expect(body.type).toBe('/problems/invalid-value')
      },
    )

    it('keeps other database errors as 500 internal-error', async () => {
      for (const code of ['23505', '42P01', '08006']) {
        const res = await app.inject(`/test/sqlstate/${code}`)
        expect(res.statusCode).toBe(500)
        expect(res.json().code).toBe('internal-error')
      }
    })

    it('recognises a data exception only with a SQLSTATE and a severity', () => {
      expect(dataExceptionOf({ code: '22003', severity: 'ERROR' })).toBe('22003')
      expect(dataExceptionOf(new Error('x', { cause: { code: '22P05', severity: 'ERROR' } }))).toBe(
        '22P05',
      )
      expect(dataExceptionOf({ code: '22003' })).toBeUndefined()
      expect(dataExceptionOf({ code: 'FST_ERR_X', severity: 'ERROR' })).toBeUndefined()
      expect(dataExceptionOf(undefined)).toBeUndefined()
    })
  })

  describe('versions and cursors beyond a PostgreSQL integer', () => {
    it.each([
      `/v1/networks/atlanta/segments?version=${TOO_BIG}`,
      `/v1/networks/atlanta/segments?after=${TOO_BIG}`,
      `/v1/risk?network=atlanta&version=${TOO_BIG}`,
      `/v1/risk/snapshots?network=atlanta&version=${TOO_BIG}`,
      `/v1/schedules/2022-W10?network=atlanta&version=${TOO_BIG}`,
      `/v1/schedules/2022-W10/report?network=atlanta&version=${TOO_BIG}`,
    ])('answers %s with 400 validation-failed naming the field', async (url) => {
      const body = expectProblem(await app.inject(url), 'validation-failed')
      expect(body.detail).toMatch(/querystring\.(version|after): must be <= 2147483647/)
    })

    it('answers the largest integer as a version that does not exist (404)', async () => {
      const res = await app.inject('/v1/risk?network=atlanta&version=2147483647')
      expect(res.statusCode).toBe(404)
    })

    it('refuses an out-of-range version in every route that looks a network up', async () => {
      // the route endpoint's schema does not bound the version: requireNetwork does
      const res = await app.inject(
        `/v1/networks/atlanta/route?from=-84.39,33.75&to=-84.38,33.76&version=${TOO_BIG}`,
      )
      const body = expectProblem(res, 'validation-failed')
      expect(body.field).toBe('version')
    })
  })

  describe('a leap second, which the date-time format admits and Date cannot represent', () => {
    const expectLeap = (res: Awaited<ReturnType<FastifyInstance['inject']>>, field: string) => {
      const body = expectProblem(res, 'validation-failed')
      expect(body.field).toBe(field)
      expect(body.detail).toMatch(new RegExp(`^${field}: `))
      expect(body.errors).toEqual([{ field, message: expect.any(String) }])
    }

    it('answers GET /v1/risk?at= with 400 naming at', async () => {
      expectLeap(await app.inject(`/v1/risk?network=atlanta&at=${encodeURIComponent(LEAP)}`), 'at')
    })

    it('answers POST /v1/risk/snapshots with 400 naming asOf', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/risk/snapshots',
        payload: { network: 'atlanta', asOf: LEAP },
      })
      expectLeap(res, 'asOf')
    })

    it('answers POST /v1/plans with 400 naming shiftStart or asOf', async () => {
      const plan = {
        network: 'atlanta',
        shiftStart: '2022-03-04T15:00:00-05:00',
        shiftHours: 8,
        seed: 1,
        units: [{ id: 'car-1', mode: 'drive', start: { lon: -84.39, lat: 33.75 } }],
      }
      const post = (body: object) => app.inject({ method: 'POST', url: '/v1/plans', payload: body })
      expectLeap(await post({ ...plan, shiftStart: LEAP }), 'shiftStart')
      // 23:59:60 at UTC-05:00 is 04:59:60Z: still a leap second by the format's rule
      expectLeap(await post({ ...plan, shiftStart: '2016-12-31T18:59:60-05:00' }), 'shiftStart')
      expectLeap(await post({ ...plan, asOf: LEAP }), 'asOf')
    })
  })
})
