import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { DbHandle } from './connect.js'
import type { Database } from './database.js'

export type CopyValue = string | number | boolean | Date | null

/** A transaction for bulk loads: ordinary queries plus a fast row appender. */
export interface BulkTransaction {
  /** Runs every query inside the one transaction. Do not open a nested transaction on it. */
  readonly db: Kysely<Database>
  /**
   * Appends rows to a table: `COPY … FROM STDIN` on PostgreSQL, batched INSERTs on PGlite (whose
   * node-postgres COPY path crashes the WASM instance, ecosystem note §TL;DR).
   */
  copyRows(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly CopyValue[])[],
  ): Promise<void>
}

/**
 * Runs `fn` in one transaction made for bulk loading; commits when it returns, rolls back when
 * it throws (or when the process dies: nothing half-written survives on PostgreSQL).
 */
export async function withBulkTransaction<T>(
  handle: DbHandle,
  fn: (tx: BulkTransaction) => Promise<T>,
): Promise<T> {
  if (handle.backend.kind === 'pglite') {
    return handle.db.transaction().execute((trx) => fn(kyselyBulkTransaction(trx)))
  }
  const client = await handle.backend.pool.connect()
  // Kysely on this one client: its queries join the transaction that COPY uses
  const single = { query: client.query.bind(client), release() {} }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: { connect: async () => single, end: async () => {} } as never,
    }),
  })
  // set when the rollback failed: the connection's state is unknown, so the pool must drop it
  let broken: Error | undefined
  try {
    await client.query('begin')
    const result = await fn({ db, copyRows: (t, c, r) => copyRows(client, t, c, r) })
    await client.query('commit')
    return result
  } catch (err) {
    await client.query('rollback').catch((rollbackErr: Error) => (broken = rollbackErr))
    throw err
  } finally {
    client.release(broken)
  }
}

const MAX_PARAMETERS = 60_000 // PostgreSQL caps a statement at 65,535

/**
 * A bulk transaction over a plain Kysely transaction (PGlite, or a caller that holds no DbHandle):
 * its `copyRows` is batched INSERTs.
 */
export function kyselyBulkTransaction(trx: Kysely<Database>): BulkTransaction {
  return { db: trx, copyRows: (table, columns, rows) => insertRows(trx, table, columns, rows) }
}

async function insertRows(
  db: Kysely<Database>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  const perBatch = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length))
  for (let start = 0; start < rows.length; start += perBatch) {
    const values = rows
      .slice(start, start + perBatch)
      .map((row) => sql`(${sql.join(row.map((v) => sql`${v}`))})`)
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))}) values ${sql.join(values)}`.execute(
      db,
    )
  }
}

/** One CSV field for COPY: NULL is an unquoted empty field, every text is quoted. */
function csvField(value: CopyValue): string {
  if (value === null) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 't' : 'f'
  const text = value instanceof Date ? value.toISOString() : value
  return `"${text.replaceAll('"', '""')}"`
}

async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  if (rows.length === 0) return
  const target = `${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})`
  const stream = client.query(copyFrom(`copy ${target} from stdin with (format csv)`))
  const lines = function* () {
    let chunk = ''
    for (const row of rows) {
      chunk += row.map(csvField).join(',') + '\n'
      if (chunk.length > 1 << 16) {
        yield chunk
        chunk = ''
      }
    }
    if (chunk) yield chunk
  }
  await pipeline(Readable.from(lines()), stream)
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`)
  return name
}
