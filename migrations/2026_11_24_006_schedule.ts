import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports src/.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('schedule')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('network_name', 'text', (c) => c.notNull())
    .addColumn('network_id', 'integer', (c) =>
      c.notNull().references('street_network.id').onDelete('cascade'),
    )
    .addColumn('week', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('running', 'completed', 'failed')`),
    )
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('risk_as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addColumn('error', 'text')
    .addUniqueConstraint('schedule_week_version', ['network_name', 'week', 'version'])
    .execute()

  // one row per day and shift: the unit of work a job does, and the key its plan is stored under
  await db.schema
    .createTable('schedule_slot')
    .addColumn('schedule_id', 'text', (c) =>
      c.notNull().references('schedule.id').onDelete('cascade'),
    )
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('shift', 'text', (c) => c.notNull())
    .addColumn('shift_start', 'timestamptz', (c) => c.notNull())
    .addColumn('shift_hours', 'float8', (c) => c.notNull())
    .addColumn('units', 'integer', (c) => c.notNull())
    .addColumn('expected', 'float8', (c) => c.notNull())
    .addColumn('share', 'float8', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('seed', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'done', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('plan_id', 'text')
    .addColumn('error', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_slot_pk', ['schedule_id', 'day', 'shift'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('schedule_slot').execute()
  await db.schema.dropTable('schedule').execute()
}
