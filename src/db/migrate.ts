import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import { FileMigrationProvider, Migrator, type MigrationResult } from 'kysely/migration'

/** The top-level `migrations/` folder; migrations never import `src/` (frozen in time). */
export const MIGRATION_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url))

/** Raised when a migration fails; the database keeps the migrations that ran before it. */
export class MigrationError extends Error {
  readonly code = 'migration-failed'
  constructor(
    readonly migration: string | undefined,
    options: ErrorOptions,
  ) {
    super(
      `${migration ? `migration ${migration}` : 'migrating'} failed: ${(options.cause as Error)?.message}`,
      options,
    )
    this.name = 'MigrationError'
  }
}

async function createMigrator(db: Kysely<any>, folder: string): Promise<Migrator> {
  // Kysely looks for its own tables in every schema unless told which: name the current one, so
  // two schemas on one server (tests, tenants) never see each other's migration state
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: folder }),
    migrationTableSchema: rows[0].schema,
  })
}

/**
 * Brings the schema to the newest migration.
 * @returns the migrations that ran, in order, each with its status.
 * @throws MigrationError naming the failed migration.
 */
export async function migrateToLatest(
  db: Kysely<any>,
  folder = MIGRATION_FOLDER,
): Promise<readonly MigrationResult[]> {
  const { error, results = [] } = await (await createMigrator(db, folder)).migrateToLatest()
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName
    throw new MigrationError(failed, { cause: error })
  }
  return results
}

/** Names of migrations in the folder that the database has not run yet (empty when up to date). */
export async function pendingMigrations(
  db: Kysely<any>,
  folder = MIGRATION_FOLDER,
): Promise<readonly string[]> {
  const migrations = await (await createMigrator(db, folder)).getMigrations()
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name)
}
