import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Stable problem codes. Clients branch on `code`; the `title` and `detail` are for people.
 * New features add their codes here so the catalogue stays in one place.
 */
export type ProblemCode =
  | 'validation-failed'
  | 'malformed-json'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'route-not-found'
  | 'not-found'
  | 'missing-api-key'
  | 'invalid-api-key'
  | 'forbidden-role'
  | 'rate-limited'
  | 'timeout'
  | 'service-unavailable'
  | 'internal-error'
  | 'invalid-value'
  | (string & {})

export interface ProblemDetails {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
  readonly instance?: string
  readonly code: ProblemCode
  readonly requestId?: string
  readonly [extension: string]: unknown
}

/** An expected failure an adapter reports to the client as problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** Fastify's own error codes mapped to ours. */
const FASTIFY_CODES: Readonly<Record<string, ProblemCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed-json',
  FST_REQ_FILE_TOO_LARGE: 'body-too-large',
  FST_PARTS_LIMIT: 'body-too-large',
  FST_FILES_LIMIT: 'body-too-large',
  FST_FIELDS_LIMIT: 'body-too-large',
  FST_ERR_HANDLER_TIMEOUT: 'timeout',
}

/** Builds an RFC 9457 problem object. `type` is a relative URI naming the code. */
export function problem(
  status: number,
  code: ProblemCode,
  detail: string | undefined,
  extensions: Readonly<Record<string, unknown>> = {},
): ProblemDetails {
  return {
    type: `/problems/${code}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    ...(detail === undefined ? {} : { detail }),
    code,
    ...extensions,
  }
}

export function sendProblem(reply: FastifyReply, body: ProblemDetails): FastifyReply {
  return reply
    .code(body.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ ...body, instance: reply.request.url, requestId: reply.request.id }))
}

/** Turns a validation error's entries into `{ field, message }` pairs naming the field. */
function validationErrors(error: FastifyError): { field: string; message: string }[] {
  return (error.validation ?? []).map((v) => {
    const missing = (v.params as { missingProperty?: string }).missingProperty
    const extra = (v.params as { additionalProperty?: string }).additionalProperty
    const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.')
    const field = [error.validationContext, path, missing ?? extra].filter(Boolean).join('.')
    const message = extra ? `unknown property "${extra}"` : (v.message ?? 'is invalid')
    return { field, message }
  })
}

/**
 * The SQLSTATE of a database error in class 22 "data exception" (a NUL byte in text, a number out
 * of range, an invalid datetime…): the client sent a value the database cannot store or compare.
 * Both pg and PGlite raise errors carrying `code` (the SQLSTATE) and `severity`.
 */
export function dataExceptionOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    const { code, severity } = e as { code?: unknown; severity?: unknown }
    if (typeof code === 'string' && typeof severity === 'string' && /^22[0-9A-Z]{3}$/.test(code))
      return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Parses an RFC 3339 date-time the schema has accepted. The `date-time` format admits a leap
 * second (`23:59:60Z`) that `Date` cannot represent: that answers 400 naming the field.
 */
export function parseInstant(value: string, field: string): Date {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) {
    const message = 'must be a date-time this service can represent (no leap second :60)'
    throw new AppError(400, 'validation-failed', `${field}: ${message}`, {
      field,
      errors: [{ field, message }],
    })
  }
  return date
}

function toProblem(error: FastifyError | AppError): ProblemDetails {
  if (error instanceof AppError)
    return problem(error.status, error.code, error.message, error.extensions)
  // never the database's message: it may quote the SQL or the value
  if (dataExceptionOf(error))
    return problem(400, 'invalid-value', 'a value in the request is out of range or not allowed')
  if (error.validation) {
    const errors = validationErrors(error)
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ')
    return problem(400, 'validation-failed', detail, { errors })
  }
  const status = error.statusCode ?? 500
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined
  if (mapped === 'timeout')
    return problem(503, 'timeout', 'the request took too long and was stopped')
  if (status >= 500) return problem(500, 'internal-error', 'an unexpected error occurred')
  if (status === 429) return problem(429, 'rate-limited', error.message)
  return problem(status, mapped ?? 'bad-request', error.message)
}

/**
 * Installs the one error handler and the not-found handler: every error leaves as
 * problem+json with a stable `code`; details only below 500, unknown errors logged with the request.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply) => {
    const body = toProblem(error)
    if (body.code === 'invalid-value') {
      request.log.info({ sqlState: dataExceptionOf(error) }, 'the database refused a value')
    } else if (body.status >= 500 && body.code !== 'timeout') {
      request.log.error({ err: error, method: request.method, url: request.url }, 'unhandled error')
    } else if (body.status === 429 && reply.getHeader('retry-after') === undefined) {
      reply.header('retry-after', '60')
    }
    return sendProblem(reply, body)
  })
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(
        404,
        'route-not-found',
        `no route for ${request.method} ${request.url.split('?')[0]}`,
      ),
    ),
  )
}
