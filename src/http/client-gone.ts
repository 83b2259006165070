import type { FastifyReply } from 'fastify'

/**
 * A signal that aborts when the client goes away before the answer is sent. Fastify's
 * `request.signal` cannot serve here: it follows the request stream's 'close', which Node emits as
 * soon as the body has been read, so it fires at the start of every long handler.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client closed the connection'))
  })
  return controller.signal
}
