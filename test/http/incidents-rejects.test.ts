import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { finishUpload, insertUpload } from '../../src/db/uploads.js'
import { buildTestApp, captureLogs } from '../helpers/app.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

/** Replaces the rejects page query while set (undefined: the real query). */
const hooks = vi.hoisted(() => ({
  listRejects: undefined as ((afterSeq: number) => Promise<unknown[]>) | undefined,
}))

vi.mock('../../src/db/incidents.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/db/incidents.js')>()
  return {
    ...real,
    listRejects: (...args: Parameters<typeof real.listRejects>) =>
      hooks.listRejects ? hooks.listRejects(args[2]) : real.listRejects(...args),
  }
})

/** A full page of rejects after `afterSeq` (the route asks for 5,000 at a time). */
function page(afterSeq: number) {
  return Array.from({ length: 5000 }, (_, i) => ({
    seq: afterSeq + i + 1,
    file_name: 'x.csv',
    line: afterSeq + i + 2,
    column_name: 'lat',
    value: '91.5',
    rule: 'coord.out-of-range',
    message: 'latitude outside ±90°',
  }))
}

describe.each(DIALECTS)('%s: the rejects report when things go wrong', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  const logs = captureLogs()
  const id = `rejects-${dialect}`
  const uncaught: unknown[] = []
  const onUncaught = (err: unknown) => uncaught.push(err)

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught)
    handle = await openTestDatabase(dialect)
    app = await buildTestApp(handle, {}, logs.stream)
    await insertUpload(handle.db, {
      id,
      networkName: 'atlanta',
      dryRun: true,
      fileNames: ['x.csv'],
      idempotencyScope: null,
      idempotencyKey: null,
      at: new Date(),
    })
    await finishUpload(handle.db, id, { status: 'dry-run', at: new Date() })
  })
  afterEach(() => {
    hooks.listRejects = undefined
    vi.restoreAllMocks()
  })
  afterAll(async () => {
    process.off('uncaughtException', onUncaught)
    await app?.close()
    await handle?.close()
  })

  /** The response, or the error inject gave when the response was aborted mid-way. */
  const fetchRejects = () =>
    app.inject(`/v1/incidents/uploads/${id}/rejects.csv`).then(
      (res) => ({ res, error: undefined }),
      (error: unknown) => ({ res: undefined, error }),
    )

  it('survives a database error before the first row and answers 500', async () => {
    logs.lines.length = 0
    hooks.listRejects = async () => {
      throw new Error('connection terminated unexpectedly')
    }
    const { res } = await fetchRejects()
    // before anything was sent the error handler answers; a started response is cut off instead
    if (res && res.statusCode !== 200) expect(res.statusCode).toBe(500)
    expect(logs.lines.some((l) => /connection terminated unexpectedly/.test(l))).toBe(true)
    hooks.listRejects = undefined
    const alive = await app.inject(`/v1/incidents/uploads/${id}`)
    expect(alive.statusCode).toBe(200)
    expect(uncaught).toEqual([])
  })

  it('aborts a started report when a later page fails, and keeps serving', async () => {
    logs.lines.length = 0
    hooks.listRejects = async (after) => {
      if (after > 0) throw new Error('canceling statement due to statement timeout')
      return page(after)
    }
    const { res, error } = await fetchRejects()
    // never a complete-looking report: either the request failed or the body stops short
    if (res) expect(res.body.trim().split('\n').length).toBeLessThan(5002)
    else expect(error).toBeDefined()
    expect(logs.lines.some((l) => /rejects report failed/.test(l))).toBe(true)
    hooks.listRejects = undefined
    const csv = await app.inject(`/v1/incidents/uploads/${id}/rejects.csv`)
    expect(csv.statusCode).toBe(200)
    expect(csv.body.trim()).toBe('line,column,value,rule,message')
    expect(uncaught).toEqual([])
  })

  it('destroys the rejects source when the client disconnects', async () => {
    let pages = 0
    hooks.listRejects = async (after) => {
      pages++
      return page(after) // endless: only a disconnect ends this report
    }
    const sources: Readable[] = []
    const from = Readable.from.bind(Readable)
    vi.spyOn(Readable, 'from').mockImplementation((iterable, options) => {
      const stream = from(iterable, options)
      sources.push(stream)
      return stream
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const { port } = app.server.address() as AddressInfo
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: `/v1/incidents/uploads/${id}/rejects.csv` },
          (res) => {
            res.once('data', () => {
              req.destroy()
              resolve()
            })
          },
        )
        req.on('error', (err) => {
          if ((err as { code?: string }).code !== 'ECONNRESET') reject(err)
        })
        req.end()
      })
      await vi.waitFor(() => expect(sources.at(-1)?.destroyed).toBe(true), { timeout: 5000 })
      const seen = pages
      await new Promise((r) => setTimeout(r, 200))
      expect(pages).toBe(seen)
    } finally {
      hooks.listRejects = undefined
    }
    expect(uncaught).toEqual([])
  })
})
