import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { DatabaseUnavailableError, openDatabase } from '../../src/db/connect.js'
import { MigrationError, migrateToLatest, pendingMigrations } from '../../src/db/migrate.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

describe('openDatabase', () => {
  it('names the unreachable PostgreSQL server without its password', async () => {
    const attempt = openDatabase({ databaseUrl: 'postgres://u:hunter2@127.0.0.1:1/none' })
    await expect(attempt).rejects.toThrow(DatabaseUnavailableError)
    await expect(attempt).rejects.toThrow(
      /cannot reach PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/none/,
    )
    await expect(attempt).rejects.not.toThrow(/hunter2/)
  })

  it('refuses a PGlite directory another handle holds, and reopens it after close', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'patrol-db-')), 'db')
    const first = await openDatabase({ pgliteDir: dir })
    await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(/is in use by process/)
    await sql`create table kept (v int)`.execute(first.db)
    await sql`insert into kept values (42)`.execute(first.db)
    await first.close()
    const second = await openDatabase({ pgliteDir: dir })
    const { rows } = await sql<{ v: number }>`select v from kept`.execute(second.db)
    expect(rows).toEqual([{ v: 42 }])
    await second.close()
  })
})

describe.each(DIALECTS)('%s: migrations', (dialect) => {
  it('applies every migration and then has none pending', async () => {
    const handle = await openTestDatabase(dialect, { migrate: false })
    try {
      const results = await migrateToLatest(handle.db)
      expect(results.length).toBeGreaterThan(0)
      expect(results.every((r) => r.status === 'Success')).toBe(true)
      expect(await pendingMigrations(handle.db)).toEqual([])
      expect(await migrateToLatest(handle.db)).toEqual([])
    } finally {
      await handle.close()
    }
  })

  it('reports the failed migration by name and rolls the whole run back', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'patrol-migrations-'))
    writeFileSync(
      join(folder, '001_good.ts'),
      "export async function up(db) { await db.schema.createTable('good').addColumn('v', 'integer').execute() }\n",
    )
    writeFileSync(
      join(folder, '002_bad.ts'),
      // a second table of the same name fails inside the database
      "export async function up(db) { await db.schema.createTable('good').addColumn('v', 'integer').execute() }\n",
    )
    const handle = await openTestDatabase(dialect, { migrate: false })
    try {
      const attempt = migrateToLatest(handle.db, folder)
      await expect(attempt).rejects.toThrow(MigrationError)
      await expect(attempt).rejects.toThrow(/migration 002_bad failed/)
      // Kysely runs a migration batch in one transaction where DDL is transactional (PostgreSQL)
      expect(await pendingMigrations(handle.db, folder)).toEqual(['001_good', '002_bad'])
      const { rows } = await sql<{
        n: number
      }>`select count(*)::int as n from information_schema.tables where table_name = 'good' and table_schema = current_schema()`.execute(
        handle.db,
      )
      expect(rows[0].n).toBe(0)
    } finally {
      await handle.close()
    }
  })
})
