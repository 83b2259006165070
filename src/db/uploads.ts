import { sql, type Selectable } from 'kysely'
import type { Db, IncidentUploadTable, UploadStatus } from './database.js'

/** An upload's record: what was sent, how it went, and its summary. */
export interface UploadRecord {
  readonly id: string
  readonly networkName: string
  readonly status: UploadStatus
  readonly dryRun: boolean
  readonly fileNames: readonly string[]
  readonly contentSha256: string | null
  readonly idempotencyKey: string | null
  readonly summary: object | null
  readonly error: { readonly code: string; readonly message: string } | null
  readonly repeatOf: string | null
  readonly createdAt: Date
  readonly heartbeatAt: Date
  readonly completedAt: Date | null
}

function uploadRowToUpload(row: Selectable<IncidentUploadTable>): UploadRecord {
  return {
    id: row.id,
    networkName: row.network_name,
    status: row.status,
    dryRun: row.dry_run,
    fileNames: row.file_names,
    contentSha256: row.content_sha256,
    idempotencyKey: row.idempotency_key,
    summary: row.summary,
    error: row.error,
    repeatOf: row.repeat_of,
    createdAt: row.created_at,
    heartbeatAt: row.heartbeat_at,
    completedAt: row.completed_at,
  }
}

/** Records a new upload as running (committed on its own, so a repeat of its key sees it). */
export async function insertUpload(
  db: Db,
  upload: {
    id: string
    networkName: string
    dryRun: boolean
    fileNames: readonly string[]
    idempotencyScope: string | null
    idempotencyKey: string | null
    at: Date
  },
): Promise<void> {
  await db
    .insertInto('incident_upload')
    .values({
      id: upload.id,
      network_name: upload.networkName,
      status: 'running',
      dry_run: upload.dryRun,
      file_names: JSON.stringify(upload.fileNames),
      content_sha256: null,
      idempotency_scope: upload.idempotencyScope,
      idempotency_key: upload.idempotencyKey,
      profile: null,
      timezone: null,
      summary: null,
      error: null,
      repeat_of: null,
      created_at: upload.at,
      heartbeat_at: upload.at,
      completed_at: null,
    })
    .execute()
}

/** finishUpload found the upload no longer running (already closed, e.g. as abandoned). */
export class UploadNotRunning extends Error {
  constructor(readonly uploadId: string) {
    super(`upload ${uploadId} is not running`)
    this.name = 'UploadNotRunning'
  }
}

/**
 * Finishes a running upload: its status, summary or error, and the content hash.
 * @throws UploadNotRunning when no running upload has this id (it was closed already).
 */
export async function finishUpload(
  db: Db,
  id: string,
  outcome: {
    status: Exclude<UploadStatus, 'running'>
    at: Date
    contentSha256?: string | null
    profile?: string | null
    timezone?: string | null
    summary?: object | null
    error?: { code: string; message: string } | null
    repeatOf?: string | null
  },
): Promise<void> {
  const result = await db
    .updateTable('incident_upload')
    .set({
      status: outcome.status,
      completed_at: outcome.at,
      heartbeat_at: outcome.at,
      content_sha256: outcome.contentSha256 ?? null,
      profile: outcome.profile ?? null,
      timezone: outcome.timezone ?? null,
      summary: outcome.summary ? JSON.stringify(outcome.summary) : null,
      error: outcome.error ? JSON.stringify(outcome.error) : null,
      repeat_of: outcome.repeatOf ?? null,
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) throw new UploadNotRunning(id)
}

/**
 * Closes a running upload as failed with error code `abandoned` if its heartbeat is still older
 * than `heartbeatBefore` (checked in the update, so a beat that came meanwhile keeps it running).
 * @returns whether it was closed.
 */
export async function closeAbandonedUpload(
  db: Db,
  id: string,
  heartbeatBefore: Date,
  at: Date,
): Promise<boolean> {
  const error = {
    code: 'abandoned',
    message: 'the process running this upload stopped; nothing of it was kept',
  }
  const result = await db
    .updateTable('incident_upload')
    .set({ status: 'failed', completed_at: at, error: JSON.stringify(error) })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('heartbeat_at', '<=', heartbeatBefore)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Records that a running upload is still alive (a no-op once it has finished). */
export async function refreshUploadHeartbeat(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('incident_upload')
    .set({ heartbeat_at: at })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute()
}

/** Frees a failed upload's Idempotency-Key for a retry; the failed record itself stays. */
export async function releaseUploadKey(db: Db, id: string): Promise<void> {
  await db
    .updateTable('incident_upload')
    .set({ idempotency_scope: null, idempotency_key: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .execute()
}

/** Whether an insert failed because another upload already holds its Idempotency-Key. */
export function isIdempotencyKeyTaken(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null
  return (
    e?.code === '23505' &&
    (e.constraint === undefined || e.constraint === 'incident_upload_idempotency')
  )
}

export async function findUpload(db: Db, id: string): Promise<UploadRecord | undefined> {
  const row = await db
    .selectFrom('incident_upload')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? uploadRowToUpload(row) : undefined
}

/** The upload a caller made with an Idempotency-Key, if any. */
export async function findUploadByKey(
  db: Db,
  scope: string,
  key: string,
): Promise<UploadRecord | undefined> {
  const row = await db
    .selectFrom('incident_upload')
    .selectAll()
    .where('idempotency_scope', '=', scope)
    .where('idempotency_key', '=', key)
    .executeTakeFirst()
  return row ? uploadRowToUpload(row) : undefined
}

/**
 * The earliest completed (not dry-run) upload to the network that contained a file with these
 * bytes, read with the same options.
 */
export async function findCompletedUploadWithFile(
  db: Db,
  networkName: string,
  fileSha256: string,
  optionsSha256: string,
): Promise<UploadRecord | undefined> {
  const row = await db
    .selectFrom('incident_upload')
    .selectAll()
    .where('network_name', '=', networkName)
    .where('status', '=', 'completed')
    .where(
      sql<boolean>`summary -> 'files' @> ${JSON.stringify([{ sha256: fileSha256, optionsSha256 }])}::jsonb`,
    )
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst()
  return row ? uploadRowToUpload(row) : undefined
}
