import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { DbHandle } from '../../src/db/connect.js'
import { buildTestApp } from '../helpers/app.js'
import { openTestDatabase } from '../helpers/db.js'

describe('graceful shutdown', () => {
  let handle: DbHandle
  let app: FastifyInstance
  let base: string
  let release: () => void
  const held = new Promise<void>((resolve) => (release = resolve))

  beforeAll(async () => {
    handle = await openTestDatabase('pglite')
    app = await buildTestApp(handle)
    app.get('/test/slow', async () => {
      await held
      return { finished: true }
    })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    await app.close()
    await handle.close()
  })

  it('lets in-flight requests finish while new ones get 503 shutting-down', async () => {
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
    release()
    const finished = await slow
    expect(finished.status).toBe(200)
    expect(await finished.json()).toEqual({ finished: true })
    await drained
    expect(app.draining).toBe(true)
  })
})

describe('shutdown after the grace period', () => {
  let handle: DbHandle
  let app: FastifyInstance
  let base: string
  let release: () => void
  const held = new Promise<void>((resolve) => (release = resolve))

  beforeAll(async () => {
    handle = await openTestDatabase('pglite')
    app = await buildTestApp(handle)
    app.get('/test/stuck', async () => {
      await held
      return { finished: true }
    })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    release()
    await app.close()
    await handle.close()
  })

  it('closes a connection whose request outlived the drain, so close() does not hang', async () => {
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
