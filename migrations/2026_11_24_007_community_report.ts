import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports src/.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_service')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('keywords', 'jsonb', (c) => c.notNull())
    .addColumn('attributes', 'jsonb', (c) => c.notNull())
    .addColumn('welfare', 'boolean', (c) => c.notNull())
    .addColumn('notice', 'text')
    .addColumn('risk_enabled', 'boolean', (c) => c.notNull())
    .addColumn('risk_weight', 'float8', (c) => c.notNull())
    .addColumn('risk_cap', 'float8', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('retired', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()

  await db.schema
    .createTable('community_report')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('network_name', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull().references('report_service.code'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
    .addColumn('review', 'text', (c) =>
      c.notNull().check(sql`review in ('unreviewed', 'reviewed', 'spam', 'duplicate')`),
    )
    .addColumn('status_notes', 'text')
    .addColumn('description', 'text')
    .addColumn('attributes', 'jsonb', (c) => c.notNull())
    .addColumn('lat', 'float8', (c) => c.notNull())
    .addColumn('lon', 'float8', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('media_url', 'text')
    .addColumn('segment_id', 'text')
    .addColumn('snap_distance_m', 'float8')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duplicate_of', 'text', (c) => c.references('community_report.id'))
    .addColumn('report_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('api', 'import')`))
    .addColumn('api_key_id', 'text')
    // hashes of the device and account ids: enough to count caps, not to contact anyone
    .addColumn('device_hash', 'text')
    .addColumn('account_hash', 'text')
    .addColumn('area_cell', 'text', (c) => c.notNull())
    .addColumn('flagged', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('flag_reason', 'text')
    .addColumn('import_key', 'text', (c) => c.unique())
    .execute()
  await db.schema
    .createIndex('community_report_lookup')
    .on('community_report')
    .columns(['network_name', 'service_code', 'requested_at'])
    .execute()
  await db.schema
    .createIndex('community_report_device')
    .on('community_report')
    .columns(['device_hash', 'requested_at'])
    .execute()
  await db.schema
    .createIndex('community_report_area')
    .on('community_report')
    .columns(['area_cell', 'requested_at'])
    .execute()

  // personal data lives apart so it can be erased and never leaks into views or exports
  await db.schema
    .createTable('report_contact')
    .addColumn('report_id', 'text', (c) =>
      c.primaryKey().references('community_report.id').onDelete('cascade'),
    )
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('device_id', 'text')
    .addColumn('account_id', 'text')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_contact').execute()
  await db.schema.dropTable('community_report').execute()
  await db.schema.dropTable('report_service').execute()
}
