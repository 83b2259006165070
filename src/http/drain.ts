import type { FastifyInstance } from 'fastify'
import { problem, sendProblem } from './errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Starts a graceful shutdown: new requests get 503 `shutting-down` (and `Connection: close`),
     * requests already running finish. Resolves when none is running, or after `timeoutMs`.
     */
    drain(timeoutMs: number): Promise<void>
    readonly draining: boolean
  }
}

/** Counts requests in flight and answers new ones with 503 once draining has begun. */
export function installDrain(app: FastifyInstance): void {
  let draining = false
  let inFlight = 0
  let idle: (() => void) | undefined

  app.decorate('draining', {
    getter: () => draining,
  })
  app.decorate('drain', (timeoutMs: number) => {
    draining = true
    if (inFlight === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      idle = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  })

  app.addHook('onRequest', async (_request, reply) => {
    if (draining) {
      reply.header('connection', 'close')
      return sendProblem(
        reply,
        problem(503, 'shutting-down', 'the service is shutting down; retry on another instance'),
      )
    }
    inFlight++
    // the response's close fires when it is sent or when the client goes away
    reply.raw.once('close', () => {
      if (--inFlight === 0 && draining) idle?.()
    })
  })
}
