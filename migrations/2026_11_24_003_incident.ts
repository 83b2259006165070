import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports src/.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incident_upload')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('network_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('running', 'completed', 'failed', 'dry-run', 'repeat')`),
    )
    .addColumn('dry_run', 'boolean', (c) => c.notNull())
    .addColumn('file_names', 'jsonb', (c) => c.notNull())
    .addColumn('content_sha256', 'text')
    .addColumn('idempotency_scope', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('profile', 'text')
    .addColumn('timezone', 'text')
    .addColumn('summary', 'jsonb')
    .addColumn('error', 'jsonb')
    .addColumn('repeat_of', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addUniqueConstraint('incident_upload_idempotency', ['idempotency_scope', 'idempotency_key'])
    .execute()
  await db.schema
    .createIndex('incident_upload_sha')
    .on('incident_upload')
    .columns(['network_name', 'content_sha256'])
    .execute()

  await db.schema
    .createTable('incident_reject')
    .addColumn('upload_id', 'text', (c) =>
      c.notNull().references('incident_upload.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('column_name', 'text')
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_reject_pk', ['upload_id', 'seq'])
    .execute()

  await db.schema
    .createTable('incident')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('network_name', 'text', (c) => c.notNull())
    // source family: one id space across a source's schemas (APD's old and new RMS exports)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('offence', 'text', (c) => c.notNull())
    .addColumn('source_profile', 'text', (c) => c.notNull())
    .addColumn('offence_code', 'text')
    .addColumn('local_category', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('crime_against', 'text', (c) => c.notNull())
    .addColumn('enforcement', 'boolean', (c) => c.notNull())
    .addColumn('occurred_from', 'timestamptz', (c) => c.notNull())
    .addColumn('occurred_to', 'timestamptz', (c) => c.notNull())
    .addColumn('reported_at', 'timestamptz')
    .addColumn('lon', 'float8')
    .addColumn('lat', 'float8')
    .addColumn('neighbourhood', 'text')
    .addColumn('npu', 'text')
    .addColumn('beat', 'text')
    .addColumn('address', 'text')
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addUniqueConstraint('incident_source_key', ['network_name', 'source', 'source_id', 'offence'])
    .execute()
  await db.schema
    .createIndex('incident_network_time')
    .on('incident')
    .columns(['network_name', 'reported_at'])
    .execute()

  // where each incident lies on each network version and mode (re-snapped when a version is imported)
  await db.schema
    .createTable('incident_snap')
    .addColumn('network_id', 'integer', (c) =>
      c.notNull().references('street_network.id').onDelete('cascade'),
    )
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('drive', 'foot')`))
    .addColumn('incident_id', 'bigint', (c) =>
      c.notNull().references('incident.id').onDelete('cascade'),
    )
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('distance_m', 'float8', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_snap_pk', ['network_id', 'mode', 'incident_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('incident_snap').execute()
  await db.schema.dropTable('incident').execute()
  await db.schema.dropTable('incident_reject').execute()
  await db.schema.dropTable('incident_upload').execute()
}
