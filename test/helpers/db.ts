import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { openDatabase, type DbHandle } from '../../src/db/connect.js'
import type { Database } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

export type Dialect = 'pglite' | 'postgres'

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL names one (CI sets it). */
export const DIALECTS: readonly Dialect[] = process.env.TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite']

/**
 * Runs `fn` while holding a session advisory lock that every test worker takes around migrating
 * and dropping its schemas: Kysely's migrator looks up its tables across the whole catalog, and a
 * schema another worker drops meanwhile fails that look-up ("schema … does not exist").
 */
async function withCatalogLock<T>(handle: DbHandle, fn: () => Promise<T>): Promise<T> {
  if (handle.backend.kind !== 'postgres') return fn()
  const client = await handle.backend.pool.connect()
  try {
    await client.query('select pg_advisory_lock(727274)')
    return await fn()
  } finally {
    await client.query('select pg_advisory_unlock(727274)').catch(() => {})
    client.release()
  }
}

/**
 * A fresh, migrated database: in-memory PGlite, or a private schema on the test PostgreSQL
 * that is dropped again on close, with the `<schema>_jobs` schema a test may give pg-boss.
 */
export async function openTestDatabase(
  dialect: Dialect,
  options: { migrate?: boolean } = {},
): Promise<DbHandle> {
  const schema = `t_${randomBytes(6).toString('hex')}`
  const handle =
    dialect === 'pglite'
      ? await openDatabase({ pgliteDir: 'memory://' })
      : await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, schema })
  const close = async () => {
    const backend = handle.backend
    if (backend.kind === 'postgres') {
      await withCatalogLock(handle, async () => {
        await backend.pool.query(`drop schema if exists ${schema}_jobs cascade`)
        await backend.pool.query(`drop schema if exists ${schema} cascade`)
      })
    }
    await handle.close()
  }
  try {
    if (options.migrate !== false) await withCatalogLock(handle, () => migrateToLatest(handle.db))
  } catch (err) {
    await close()
    throw err
  }
  return dialect === 'pglite' ? handle : { ...handle, close }
}

/** A DATABASE_URL that opens the test database's own schema (for spawned CLI processes). */
export async function schemaUrlOf(handle: DbHandle): Promise<{ url: string; schema: string }> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
    handle.db,
  )
  const schema = rows[0]!.schema
  return {
    url: `${process.env.TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    schema,
  }
}

/** Rows in `table` now. */
export async function countRows(db: Kysely<Database>, table: keyof Database): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A synthetic `testville` network row (no streets, New York time) for tests that need an id. */
export async function insertTestville(db: Kysely<Database>): Promise<number> {
  const network = await db
    .insertInto('street_network')
    .values({
      name: 'testville',
      version: 1,
      source_name: null,
      source_bytes: 0,
      source_sha256: 'synthetic',
      west: -84.4,
      south: 33.7,
      east: -84.2,
      north: 33.8,
      stats: '{}',
      timezone: 'America/New_York',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return network.id
}
