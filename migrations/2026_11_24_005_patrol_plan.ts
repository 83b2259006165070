import { type Kysely } from 'kysely'

// Frozen in time: this file never imports src/.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('patrol_station')
    .addColumn('network_name', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('lon', 'float8', (c) => c.notNull())
    .addColumn('lat', 'float8', (c) => c.notNull())
    .addPrimaryKeyConstraint('patrol_station_pk', ['network_name', 'code'])
    .execute()

  await db.schema
    .createTable('patrol_plan')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('network_id', 'integer', (c) =>
      c.notNull().references('street_network.id').onDelete('cascade'),
    )
    .addColumn('shift_start', 'timestamptz', (c) => c.notNull())
    .addColumn('shift_end', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('api_key_id', 'text')
    .addColumn('request', 'jsonb', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    // set when a weekly schedule made the plan: one plan per (schedule, day, shift) and version
    .addColumn('schedule_key', 'text', (c) => c.unique())
    .execute()
  await db.schema
    .createIndex('patrol_plan_shift')
    .on('patrol_plan')
    .columns(['network_id', 'shift_start'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('patrol_plan').execute()
  await db.schema.dropTable('patrol_station').execute()
}
