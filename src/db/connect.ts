import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import { redactDatabaseUrl } from '../config.js'
import type { Database } from './database.js'
import { lockDirectory, type DirectoryLock } from './pglite-lock.js'

/** The engine under Kysely, for the few places that need it (bulk COPY, job queue). */
export type Backend =
  | { readonly kind: 'pglite'; readonly pglite: PGlite }
  | { readonly kind: 'postgres'; readonly pool: pg.Pool }

export interface DbHandle {
  readonly db: Kysely<Database>
  readonly backend: Backend
  /** Where the data lives, password removed: a PGlite directory or a PostgreSQL URL. */
  readonly location: string
  /** PGlite: CHECKPOINT, close, release the directory lock. PostgreSQL: end the pool. */
  close(): Promise<void>
}

export interface OpenOptions {
  readonly databaseUrl?: string | undefined
  /** PGlite data directory or `memory://`. */
  readonly pgliteDir?: string
  /** PostgreSQL only: a schema to work in (tests give each file its own). */
  readonly schema?: string
}

/** Raised when the database cannot be opened; the message says which and why. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'database-unavailable'
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DatabaseUnavailableError'
  }
}

const INT8_OID = 20
const pgTypes = {
  // row counts and OSM ids are int8; every value we store fits a double exactly
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/**
 * Opens PostgreSQL when `databaseUrl` is set, the embedded PGlite otherwise, and checks it answers.
 * @throws DatabaseUnavailableError for an unreachable server; DirectoryLockedError for a PGlite
 *   directory that another process holds.
 */
export async function openDatabase(options: OpenOptions): Promise<DbHandle> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.schema)
    : openPglite(options.pgliteDir ?? 'memory://')
}

async function openPostgres(url: string, schema: string | undefined): Promise<DbHandle> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`schema must be a lower-case SQL identifier, got "${schema}"`)
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    types: pgTypes,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  })
  // idle clients that lose their server must not crash the process
  pool.on('error', () => {})
  const location = redactDatabaseUrl(url)
  try {
    if (schema) await pool.query(`create schema if not exists ${schema}`)
    await pool.query('select 1')
  } catch (err) {
    await pool.end().catch(() => {})
    const reason = (err as Error).message || (err as NodeJS.ErrnoException).code || String(err)
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${location}: ${reason}`, {
      cause: err,
    })
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    backend: { kind: 'postgres', pool },
    location,
    close: () => db.destroy(),
  }
}

async function openPglite(dir: string): Promise<DbHandle> {
  const inMemory = dir.startsWith('memory://')
  let lock: DirectoryLock | undefined
  if (!inMemory) {
    mkdirSync(dirname(dir), { recursive: true })
    lock = lockDirectory(dir)
  }
  let pglite: PGlite
  try {
    pglite = await PGlite.create({ dataDir: dir })
  } catch (err) {
    lock?.release()
    throw new DatabaseUnavailableError(
      `cannot open the PGlite directory ${dir}: ${(err as Error).message}; ` +
        'if a crash damaged it, move it aside and start again (the demo data reloads)',
      { cause: err },
    )
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
  let closed = false
  return {
    db,
    backend: { kind: 'pglite', pglite },
    location: dir,
    async close() {
      if (closed) return
      closed = true
      try {
        // PGlite has no crash recovery of its own: leave a clean checkpoint behind
        if (!inMemory) await pglite.query('CHECKPOINT')
        await db.destroy()
      } finally {
        lock?.release()
      }
    },
  }
}
