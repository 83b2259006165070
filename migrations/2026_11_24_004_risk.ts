import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports src/.
export async function up(db: Kysely<any>): Promise<void> {
  // shifts and hour-of-week buckets are read in the network's local time
  await db.schema.alterTable('street_network').addColumn('timezone', 'text').execute()

  // the scorer as configured per network (patrol tune writes it; absent = the built-in defaults)
  await db.schema
    .createTable('risk_config')
    .addColumn('network_name', 'text', (c) => c.primaryKey())
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('evidence', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('risk_snapshot')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('network_id', 'integer', (c) =>
      c.notNull().references('street_network.id').onDelete('cascade'),
    )
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('drive', 'foot')`))
    .addColumn('scheme', 'text', (c) => c.notNull().check(sql`scheme in ('how', 'shift')`))
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('incident_count', 'integer', (c) => c.notNull())
    // graph indexes (of the mode) of the segments with any expected crime, in value order
    .addColumn('segment_seqs', 'jsonb', (c) => c.notNull())
    .addColumn('bucket_ids', 'jsonb', (c) => c.notNull())
    // expected victim-reported crimes network-wide in one occurrence of each bucket
    .addColumn('bucket_totals', 'jsonb', (c) => c.notNull())
    // float32, bucket-major: expected crimes of segment i in bucket b at [b * segments + i]
    .addColumn('expected', 'bytea', (c) => c.notNull())
    .addUniqueConstraint('risk_snapshot_key', ['network_id', 'mode', 'scheme', 'as_of'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('risk_snapshot').execute()
  await db.schema.dropTable('risk_config').execute()
  await db.schema.alterTable('street_network').dropColumn('timezone').execute()
}
