import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports src/.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('street_network')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('source_name', 'text')
    .addColumn('source_bytes', 'bigint', (c) => c.notNull())
    .addColumn('source_sha256', 'text', (c) => c.notNull())
    .addColumn('west', 'float8', (c) => c.notNull())
    .addColumn('south', 'float8', (c) => c.notNull())
    .addColumn('east', 'float8', (c) => c.notNull())
    .addColumn('north', 'float8', (c) => c.notNull())
    .addColumn('stats', 'jsonb', (c) => c.notNull())
    .addUniqueConstraint('street_network_name_version', ['name', 'version'])
    .execute()

  await db.schema
    .createTable('street_segment')
    .addColumn('network_id', 'integer', (c) =>
      c.notNull().references('street_network.id').onDelete('cascade'),
    )
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('drive', 'foot')`))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('way_id', 'bigint', (c) => c.notNull())
    .addColumn('highway', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('length_m', 'float8', (c) => c.notNull())
    .addColumn('speed_kmh', 'float8', (c) => c.notNull())
    .addColumn('oneway', 'boolean', (c) => c.notNull())
    .addColumn('from_node', 'bigint', (c) => c.notNull())
    .addColumn('to_node', 'bigint', (c) => c.notNull())
    .addColumn('west', 'float8', (c) => c.notNull())
    .addColumn('south', 'float8', (c) => c.notNull())
    .addColumn('east', 'float8', (c) => c.notNull())
    .addColumn('north', 'float8', (c) => c.notNull())
    .addColumn('geometry', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('street_segment_pk', ['network_id', 'mode', 'id'])
    .addUniqueConstraint('street_segment_seq', ['network_id', 'mode', 'seq'])
    .execute()
  await db.schema
    .createIndex('street_segment_west')
    .on('street_segment')
    .columns(['network_id', 'mode', 'west'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('street_segment').execute()
  await db.schema.dropTable('street_network').execute()
}
