import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { DbHandle } from '../../src/db/connect.js'
import { buildTestApp } from '../helpers/app.js'
import { openTestDatabase } from '../helpers/db.js'

/**
 * A PGlite app listening on a loopback port, with a route at `path` whose handler waits until
 * `release()` is called; released and closed after the suite.
 */
function serveHeldRoute(path: string) {
  const server = {} as {
    handle: DbHandle
    app: FastifyInstance
    base: string
    release: () => void
  }
  const held = new Promise<void>((resolve) => (server.release = resolve))

  beforeAll(async () => {
    server.handle = await openTestDatabase('pglite')
    server.app = await buildTestApp(server.handle)
    server.app.get(path, async () => {
      await held
      return { finished: true }
    })
    server.base = await server.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    server.release()
    await server.app.close()
    await server.handle.close()
  })
  return server
}

describe('graceful shutdown', () => {
  const server = serveHeldRoute('/test/slow')

  it('lets in-flight requests finish while new ones get 503 shutting-down', async () => {
    const { app, base } = server
    const slow = fetch(`${base}/test/slow`)
    // wait until the slow request is inside its handler
    await new Promise((r) => setTimeout(r, 100))
    const drained = app.drain(5000)
    const refused = await fetch(`${base}/health/ready`)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(((await refused.json()) as { code: string }).code).toBe('shutting-down')
    let drainedYet = false
    void drained.then(() => (drainedYet = true))
    await new Promise((r) => setTimeout(r, 50))
    expect(drainedYet).toBe(false)
    server.release()
    const finished = await slow
    expect(finished.status).toBe(200)
    expect(await finished.json()).toEqual({ finished: true })
    await drained
    expect(app.draining).toBe(true)
  })
})

describe('shutdown after the grace period', () => {
  const server = serveHeldRoute('/test/stuck')

  it('closes a connection whose request outlived the drain, so close() does not hang', async () => {
    const { app, base } = server
    const stuck = fetch(`${base}/test/stuck`).then(
      (res) => res.status,
      (err: unknown) => err,
    )
    await new Promise((r) => setTimeout(r, 100))
    const started = performance.now()
    await app.drain(200)
    const closed = await Promise.race([
      app.close().then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('hung'), 5000)),
    ])
    expect(closed).toBe('closed')
    expect(performance.now() - started).toBeLessThan(5000)
    // the client sees the connection end instead of an answer
    expect(await stuck).toBeInstanceOf(Error)
  })
})
