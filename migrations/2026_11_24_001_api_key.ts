import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports src/.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .check(sql`role in ('analyst', 'supervisor', 'scheduler', 'resident-app', 'admin')`),
    )
    .addColumn('label', 'text')
    .addColumn('secret_sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_key').execute()
}
