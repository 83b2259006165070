/**
 * Service configuration from environment variables.
 *
 * `loadConfig(env)` is pure: it checks every variable at once, throws one `ConfigError` naming each bad
 * one, and returns a frozen object. Only `main.ts` and the CLI call it with `process.env`.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface Config {
  readonly host: string
  readonly port: number
  /** `postgres://…` selects PostgreSQL; absent selects the embedded PGlite database. */
  readonly databaseUrl: string | undefined
  /** PGlite data directory, or `memory://` for a throw-away database. */
  readonly pgliteDir: string
  readonly logLevel: LogLevel
  /** `false` only on a loopback host (the demo); then every request acts as admin. */
  readonly authEnabled: boolean
  readonly bodyLimitBytes: number
  readonly uploadLimitBytes: number
  /**
   * Node's `requestTimeout`: time until the whole request, body included, has arrived. Uploads are
   * streamed into the database as they arrive, so a large one takes as long as its import: the
   * default is an hour, like the upload routes' handler timeout. Headers must still arrive within
   * Node's `headersTimeout` (60 s).
   */
  readonly requestTimeoutMs: number
  readonly handlerTimeoutMs: number
  readonly shutdownGraceMs: number
  /** Folder holding the demo city (`atlanta/`); `undefined` disables loading it on first start. */
  readonly demoDataDir: string | undefined
  /** Resident report types (Open311 services), synced into the database at start. */
  readonly reportTypesFile: string
  /** Whether `patrol serve` also works schedule jobs (on PostgreSQL other workers may share them). */
  readonly worker: boolean
  readonly workerConcurrency: number
  /** PostgreSQL schema of the pg-boss job tables. */
  readonly jobSchema: string
  /** HMAC key for residents' device and account ids; undefined: a random key per process. Never logged. */
  readonly reportHashKey: string | undefined
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1'])

/** True for hosts that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * Reads and checks the service's environment variables.
 * @param env - usually `process.env`; tests pass a literal object.
 * @throws ConfigError listing every bad variable with what was expected.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: string[] = []

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
      return fallback
    }
    return value
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    if ((allowed as readonly string[]).includes(raw)) return raw as T
    problems.push(`${name} must be one of ${allowed.join('|')}, got "${raw}"`)
    return fallback
  }

  const host = env.HOST || '127.0.0.1'
  if (!/^[\w.:-]+$/.test(host))
    problems.push(`HOST must be a host name or IP address, got "${host}"`)
  const port = integer('PORT', 3000, 0, 65535)

  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://')
  }

  const logLevel = oneOf('LOG_LEVEL', LOG_LEVELS, 'info')
  const loopback = isLoopbackHost(host)
  const auth = oneOf('AUTH', ['on', 'off'] as const, loopback ? 'off' : 'on')
  if (auth === 'off' && !loopback) {
    problems.push(`AUTH=off is only allowed when HOST is a loopback address, got HOST="${host}"`)
  }

  const MIB = 1024 * 1024
  const bodyLimitBytes = integer('BODY_LIMIT_BYTES', MIB, 1024, 64 * MIB)
  const uploadLimitBytes = integer('UPLOAD_LIMIT_BYTES', 512 * MIB, 1024, 8 * 1024 * MIB)
  // the body counts too, and uploads are read as fast as they are imported: allow an hour
  const requestTimeoutMs = integer('REQUEST_TIMEOUT_MS', 3_600_000, 1000, 3_600_000)
  const handlerTimeoutMs = integer('HANDLER_TIMEOUT_MS', 60_000, 100, 3_600_000)
  const shutdownGraceMs = integer('SHUTDOWN_GRACE_MS', 10_000, 100, 600_000)
  const demo = oneOf('DEMO_DATA', ['on', 'off'] as const, 'on')
  const worker = oneOf('WORKER', ['on', 'off'] as const, 'on')
  // the embedded database serves one process: with no worker in it, queued jobs would never run
  if (worker === 'off' && databaseUrl === undefined)
    problems.push(
      'WORKER=off needs PostgreSQL (DATABASE_URL): on the embedded database schedule jobs run only inside `patrol serve`, so none would ever run',
    )
  const workerConcurrency = integer('WORKER_CONCURRENCY', 1, 1, 16)
  const jobSchema = env.JOB_SCHEMA || 'pgboss'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(jobSchema))
    problems.push(`JOB_SCHEMA must be a lower-case SQL identifier, got "${jobSchema}"`)

  const reportHashKey = env.REPORT_HASH_KEY || undefined
  if (reportHashKey !== undefined && (reportHashKey.length < 32 || /\s/.test(reportHashKey)))
    problems.push(
      'REPORT_HASH_KEY must be at least 32 characters without spaces (e.g. `openssl rand -hex 32`)',
    )

  if (problems.length > 0) throw new ConfigError(problems)

  return Object.freeze({
    host,
    port,
    databaseUrl,
    pgliteDir: env.PGLITE_DIR || './.patrol/db',
    logLevel,
    authEnabled: auth === 'on',
    bodyLimitBytes,
    uploadLimitBytes,
    requestTimeoutMs,
    handlerTimeoutMs,
    shutdownGraceMs,
    demoDataDir: demo === 'on' ? env.DEMO_DATA_DIR || './data' : undefined,
    reportTypesFile: env.REPORT_TYPES_FILE || './data/report-types.json',
    worker: worker === 'on',
    workerConcurrency,
    jobSchema,
    reportHashKey,
  })
}

const PASSWORD_PARAMS = new Set(['password', 'pass', 'passwd', 'pwd', 'sslpassword'])

/**
 * The database URL without its password (in the user info or a `password=` query parameter), for
 * messages and logs. A URL the WHATWG parser refuses (e.g. `postgres://u:pw@/db?host=/run`) loses
 * its whole user info instead.
 */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    const blanked = url.replace(
      /([?&])([^=&#]*)=[^&#]*/g,
      (param: string, sep: string, key: string) =>
        PASSWORD_PARAMS.has(key.toLowerCase()) ? `${sep}${key}=***` : param,
    )
    const at = blanked.lastIndexOf('@')
    const start = blanked.indexOf('//')
    return start >= 0 && at > start
      ? `${blanked.slice(0, start + 2)}***${blanked.slice(at)}`
      : blanked
  }
  if (parsed.password !== '') parsed.password = '***'
  for (const key of [...parsed.searchParams.keys()])
    if (PASSWORD_PARAMS.has(key.toLowerCase())) parsed.searchParams.set(key, '***')
  return parsed.href
}
