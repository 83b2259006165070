import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { DbHandle } from '../db/connect.js'
import { withBulkTransaction, type BulkTransaction, type CopyValue } from '../db/bulk.js'
import {
  createIncidentStage,
  mergeStagedIncidents,
  REJECT_ROW_COLUMNS,
  stageIncidents,
} from '../db/incidents.js'
import {
  closeAbandonedUpload,
  findCompletedUploadWithFile,
  findUpload,
  findUploadByKey,
  finishUpload,
  insertUpload,
  isIdempotencyKeyTaken,
  refreshUploadHeartbeat,
  releaseUploadKey,
  UploadNotRunning,
  type UploadRecord,
} from '../db/uploads.js'
import {
  adoptNetworkTimezone,
  findNetwork,
  lockNetworkName,
  type NetworkVersion,
} from '../db/networks.js'
import {
  IngestFileError,
  ingestIncidents,
  type ColumnMapping,
  type Incident,
  type IngestInput,
  type IngestOptions,
  type IngestSummary,
  type Reject,
} from '../ingest/index.js'
import type { NetworkCache, LoadedMode } from './network-cache.js'
import type { RiskService } from './risk.js'
import { combineSummaries, type UploadSummary } from './upload-summary.js'

/** Rows per database write: fewer, larger COPYs (the ingest batch is 1,000 rows). */
const WRITE_ROWS = 10_000
/** Incidents snap to a street within this distance, metres (issue default). */
export const INCIDENT_SNAP_RADIUS_M = 60
/** A running upload refreshes its heartbeat this often, milliseconds. */
export const UPLOAD_HEARTBEAT_MS = 2_000
/**
 * A running upload whose heartbeat is older than this is taken as abandoned (its process died and
 * its transaction rolled back; nothing was kept), so its Idempotency-Key may be used again.
 */
export const UPLOAD_STALE_MS = 60_000

export type UploadRefusalCode =
  'network-not-found' | 'upload-in-progress' | 'idempotency-key-reused' | 'invalid-upload-options'

/** The upload was not started; nothing was written. */
export class UploadRefused extends Error {
  constructor(
    readonly code: UploadRefusalCode,
    message: string,
  ) {
    super(message)
    this.name = 'UploadRefused'
  }
}

export interface UploadFile {
  readonly name: string
  readonly open: () => IngestInput
}

export interface UploadRequest {
  readonly networkName: string
  readonly files: readonly UploadFile[]
  readonly profile?: string
  readonly timezone?: string
  readonly mapping?: ColumnMapping
  readonly categoryMap?: Readonly<Record<string, string>>
  readonly dryRun: boolean
  readonly idempotency?: { readonly scope: string; readonly key: string }
  readonly now: Date
}

export interface UploadOutcome {
  readonly upload: UploadRecord
  /** True when an Idempotency-Key repeat returned the stored result. */
  readonly replayed: boolean
  /** Risk snapshots recomputed after a completed upload (when a RiskService was given). */
  readonly snapshots?: readonly {
    readonly id: number
    readonly mode: string
    readonly scheme: string
  }[]
  /** Why recomputing them failed; the upload itself stands. */
  readonly snapshotError?: string
}

// profiles of one source share one id space: APD's old and new RMS exports overlap in Sep 2020
const SOURCE_FAMILY: Readonly<Record<string, string>> = {
  'apd-cobra-2019': 'apd-cobra',
  'apd-cobra-2020-old': 'apd-cobra',
  'apd-cobra-2020': 'apd-cobra',
}

async function sha256Of(files: readonly UploadFile[]): Promise<string> {
  const shas: string[] = []
  for (const file of files) {
    const hash = createHash('sha256')
    for await (const chunk of file.open() as AsyncIterable<Uint8Array>) hash.update(chunk)
    shas.push(hash.digest('hex'))
  }
  return combinedSha(shas)
}

/** One file's hash is its own; several files hash the list of their hashes. */
function combinedSha(shas: readonly string[]): string {
  return shas.length === 1 ? shas[0] : createHash('sha256').update(shas.join('\n')).digest('hex')
}

/** Uploads this process is running: never stale, whatever their heartbeat says (PGlite has none). */
const liveUploads = new Set<string>()

/** Whether a running upload has stopped beating: its process died (kill -9, power loss). */
export function isStaleUpload(upload: UploadRecord, now: Date): boolean {
  return (
    upload.status === 'running' &&
    !liveUploads.has(upload.id) &&
    now.getTime() - upload.heartbeatAt.getTime() >= UPLOAD_STALE_MS
  )
}

/**
 * An upload by id, as of `now`: one still `running` whose process died (isStaleUpload) is closed
 * in the database as failed with error code `abandoned` when first seen, so it is not shown
 * running forever (its transaction rolled back; nothing of it was kept).
 */
export async function findUploadClosingAbandoned(
  db: DbHandle['db'],
  id: string,
  now: Date,
): Promise<UploadRecord | undefined> {
  const upload = await findUpload(db, id)
  if (!upload || !isStaleUpload(upload, now)) return upload
  await closeAbandonedUpload(db, id, new Date(now.getTime() - UPLOAD_STALE_MS), now)
  return findUpload(db, id)
}

/**
 * A repeat of an Idempotency-Key: the stored result, a 409 while running, a 422 for other bytes.
 * A failed or abandoned upload does not hold its key: the caller may retry, with any bytes.
 */
async function replay(
  handle: DbHandle,
  request: UploadRequest,
  existing: UploadRecord,
): Promise<UploadOutcome | undefined> {
  if (existing.status === 'running') {
    if (!isStaleUpload(existing, request.now)) {
      throw new UploadRefused(
        'upload-in-progress',
        `upload ${existing.id} with this Idempotency-Key is still running`,
      )
    }
    // abandoned by a dead process: its transaction rolled back, the key may be used again
    await handle.db
      .deleteFrom('incident_upload')
      .where('id', '=', existing.id)
      .where('status', '=', 'running')
      .execute()
    return undefined
  }
  if (existing.status === 'failed') {
    // nothing of it was kept: the failed record stays readable by id, the key goes to the retry
    await releaseUploadKey(handle.db, existing.id)
    return undefined
  }
  const sha = await sha256Of(request.files)
  if (existing.contentSha256 !== null && existing.contentSha256 !== sha) {
    throw new UploadRefused(
      'idempotency-key-reused',
      `this Idempotency-Key was used for upload ${existing.id} with a different file`,
    )
  }
  return { upload: existing, replayed: true }
}

/** The ingest options of one upload (the same for each of its files). */
function ingestOptions(request: UploadRequest): IngestOptions {
  return {
    profile: request.profile ?? 'auto',
    mapping: request.mapping,
    timezone: request.timezone,
    categoryMap: request.categoryMap,
    now: request.now.getTime(),
  }
}

/** Checks the caller's options (profile, zone, mapping, category map) before anything is written. */
function checkOptions(request: UploadRequest): void {
  try {
    // the ingest checks its options when a run is created, before it reads a byte
    ingestIncidents((async function* () {})(), ingestOptions(request))
  } catch (err) {
    throw new UploadRefused('invalid-upload-options', (err as Error).message)
  }
}

/**
 * Refreshes a running upload's heartbeat on a timer, one write at a time, outside its transaction.
 * Not on PGlite: it is one process whose queries wait for the upload's transaction, so no other
 * process can judge the upload (this one knows it by `liveUploads`), and after a crash the
 * heartbeat written at the start tells.
 */
function startHeartbeat(handle: DbHandle, id: string): () => Promise<void> {
  if (handle.backend.kind === 'pglite') return async () => {}
  let pending: Promise<void> | undefined
  const timer = setInterval(() => {
    // a lost beat is harmless: the next one comes soon, and staleness allows many
    pending ??= refreshUploadHeartbeat(handle.db, id, new Date())
      .catch(() => {})
      .finally(() => (pending = undefined))
  }, UPLOAD_HEARTBEAT_MS)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await pending
  }
}

/**
 * Ingests incident CSVs into a network's incidents: every file streamed through the ingest core,
 * snapped to both modes, staged and upserted in ONE transaction (COPY on PostgreSQL), rejects
 * stored for the rejects report. A file-level error or a crash leaves the incidents as before; a
 * dry run stores only the summary and rejects; the same bytes again are reported as a repeat.
 * With `risk`, a completed upload then recomputes the network's risk snapshots as of `request.now`.
 * While it runs, its heartbeat is refreshed every UPLOAD_HEARTBEAT_MS.
 * @throws UploadRefused before anything is written.
 */
export async function uploadIncidents(
  handle: DbHandle,
  networks: NetworkCache,
  request: UploadRequest,
  risk?: RiskService,
): Promise<UploadOutcome> {
  const network = await findNetwork(handle.db, request.networkName)
  if (!network)
    throw new UploadRefused(
      'network-not-found',
      `no network named "${request.networkName}"; import its streets first`,
    )
  checkOptions(request)
  if (request.idempotency) {
    const existing = await findUploadByKey(
      handle.db,
      request.idempotency.scope,
      request.idempotency.key,
    )
    const replayed = existing && (await replay(handle, request, existing))
    if (replayed) return replayed
  }
  const id = uuidv7()
  liveUploads.add(id) // before the record exists, so no one sees it running and unclaimed
  try {
    await insertUpload(handle.db, {
      id,
      networkName: network.name,
      dryRun: request.dryRun,
      fileNames: request.files.map((f) => f.name),
      idempotencyScope: request.idempotency?.scope ?? null,
      idempotencyKey: request.idempotency?.key ?? null,
      at: request.now,
    })
  } catch (err) {
    liveUploads.delete(id)
    // a concurrent request with the same key got in between our look-up and this insert
    if (isIdempotencyKeyTaken(err))
      throw new UploadRefused(
        'upload-in-progress',
        'an upload with this Idempotency-Key is already running',
      )
    throw err
  }
  const stopHeartbeat = startHeartbeat(handle, id)
  let target = network
  try {
    target = await loadOnLatest(handle, networks, network, request.dryRun, (tx, version, modes) =>
      loadFiles(tx, id, version, modes, request),
    )
    await stopHeartbeat()
    liveUploads.delete(id)
  } catch (err) {
    await stopHeartbeat()
    try {
      await recordFailure(handle, id, err)
    } finally {
      liveUploads.delete(id)
    }
    if (err instanceof RepeatUpload)
      return { upload: (await findUpload(handle.db, id))!, replayed: false }
    throw err
  }
  const upload = (await findUpload(handle.db, id))!
  return risk && upload.status === 'completed'
    ? rescore(handle, risk, target, upload, request.now)
    : { upload, replayed: false }
}

/**
 * Closes an upload that did not complete: a repeat of earlier bytes, or failed (with why). One
 * already closed meanwhile (taken for abandoned while it stalled) keeps the record it has.
 */
async function recordFailure(handle: DbHandle, id: string, err: unknown): Promise<void> {
  try {
    await closeFailed(handle, id, err)
  } catch (closeErr) {
    if (!(closeErr instanceof UploadNotRunning)) throw closeErr
  }
}

async function closeFailed(handle: DbHandle, id: string, err: unknown): Promise<void> {
  if (err instanceof RepeatUpload) {
    await finishUpload(handle.db, id, {
      ...err.outcome,
      status: 'repeat',
      repeatOf: err.earlier.id,
    })
    return
  }
  const error =
    err instanceof IngestFileError
      ? {
          code: err.code,
          message: err.message,
          line: err.line,
          cause: (err.cause as { code?: string })?.code,
        }
      : { code: 'internal-error', message: 'the upload failed unexpectedly' }
  await finishUpload(handle.db, id, { status: 'failed', at: new Date(), error })
}

/** A version import committed between loading a network's graphs and locking its name. */
class NetworkMoved extends Error {
  constructor(readonly latest: NetworkVersion) {
    super(`network ${latest.name} moved to version ${latest.version}`)
  }
}

/**
 * Runs `load` in one bulk transaction that holds the network's name lock (shared: uploads run side
 * by side, imports wait for them; a dry run takes none), on the graphs of the version that is latest under that lock (graphs load outside the transaction: on PGlite every
 * other query waits for it). Returns the version loaded onto.
 */
async function loadOnLatest(
  handle: DbHandle,
  networks: NetworkCache,
  network: NetworkVersion,
  dryRun: boolean,
  load: (
    tx: BulkTransaction,
    version: NetworkVersion,
    modes: { readonly drive: LoadedMode; readonly foot: LoadedMode },
  ) => Promise<void>,
): Promise<NetworkVersion> {
  let version = network
  for (let attempt = 1; ; attempt++) {
    const [drive, foot] = await Promise.all([
      networks.mode(version, 'drive'),
      networks.mode(version, 'foot'),
    ])
    try {
      await withBulkTransaction(handle, async (tx) => {
        // a dry run writes no incidents: it need not hold up an import
        if (!dryRun) await lockNetworkName(tx.db, version.name, 'shared')
        const latest = (await findNetwork(tx.db, version.name))!
        if (latest.id !== version.id) throw new NetworkMoved(latest)
        await load(tx, version, { drive, foot })
      })
      return version
    } catch (err) {
      // a new version rarely lands twice in a row; past three, something is wrong
      if (!(err instanceof NetworkMoved) || attempt === 3) throw err
      version = err.latest
    }
  }
}

/** After a completed upload: learn the network's zone from it if unknown, recompute its risk snapshots. */
async function rescore(
  handle: DbHandle,
  risk: RiskService,
  network: NetworkVersion,
  upload: UploadRecord,
  now: Date,
): Promise<UploadOutcome> {
  try {
    const zone = (upload.summary as UploadSummary).timezone
    if (!network.timezone && zone && !zone.includes(','))
      await adoptNetworkTimezone(handle.db, network.name, zone)
    const current = (await findNetwork(handle.db, network.name, network.version))!
    const snapshots = await risk.refreshSnapshots(current, now, `upload ${upload.id}`)
    return {
      upload,
      replayed: false,
      snapshots: snapshots.map((s) => ({ id: s.id, mode: s.mode, scheme: s.scheme })),
    }
  } catch (err) {
    return { upload, replayed: false, snapshotError: (err as Error).message }
  }
}

async function loadFiles(
  tx: BulkTransaction,
  uploadId: string,
  network: NetworkVersion,
  modes: { readonly drive: LoadedMode; readonly foot: LoadedMode },
  request: UploadRequest,
): Promise<void> {
  if (!request.dryRun) await createIncidentStage(tx)
  // the database writes one batch while the next is parsed (two cores, two processes)
  const writer = new WriteBehind()
  const summaries: IngestSummary[] = []
  const snapDistances: number[] = []
  let rejectSeq = 0
  let merged = { inserted: 0, updated: 0, collapsed: 0 }
  const snapDrive = (lon: number, lat: number) => {
    const snap = modes.drive.snapIndex.snap(lon, lat, INCIDENT_SNAP_RADIUS_M)
    return (
      snap && { segmentId: modes.drive.graph.segmentIds[snap.segment]!, distanceM: snap.distanceM }
    )
  }
  for (const file of request.files) {
    const run = ingestIncidents(file.open(), {
      ...ingestOptions(request),
      bbox: network.bbox,
      snap: snapDrive,
    })
    let rejects: CopyValue[][] = []
    let staged: CopyValue[][] = []
    // per file: the same id-less record in two files (or uploads) is one incident
    const contentIds = new ContentIds()
    const write = async () => {
      const [r, st] = [rejects, staged]
      ;[rejects, staged] = [[], []]
      await writer.add(async () => {
        if (r.length > 0) await tx.copyRows('incident_reject', REJECT_ROW_COLUMNS, r)
        if (st.length > 0) await stageIncidents(tx, st)
      })
    }
    try {
      for await (const batch of run) {
        for (const r of batch.rejects) rejects.push(rejectRow(uploadId, ++rejectSeq, file.name, r))
        for (const incident of batch.incidents) {
          if (incident.snapDistanceM !== null) snapDistances.push(incident.snapDistanceM)
          if (!request.dryRun)
            staged.push(stageRow(uploadId, network.name, incident, modes.foot, contentIds))
        }
        if (rejects.length + staged.length >= WRITE_ROWS) await write()
      }
      await write()
      await writer.flush()
    } catch (err) {
      // the ingest failed with a write in flight: let it end before the transaction rolls back
      await writer.settle()
      throw err
    }
    summaries.push(run.summary())
    if (!request.dryRun) {
      const counts = await mergeStagedIncidents(tx, network.id)
      merged = {
        inserted: merged.inserted + counts.inserted,
        updated: merged.updated + counts.updated,
        collapsed: merged.collapsed + counts.collapsed,
      }
      await sql`truncate incident_stage`.execute(tx.db)
    }
  }
  const sha = combinedSha(summaries.map((s) => s.contentSha256))
  const files = request.files.map((f, i) => ({
    name: f.name,
    optionsSha256: optionsSha(request, summaries[i]!),
  }))
  const summary = combineSummaries(summaries, files, merged, snapDistances, request.dryRun)
  const earlier = request.dryRun ? undefined : await findRepeatedUpload(tx, network.name, summary)
  const base = {
    at: new Date(),
    contentSha256: sha,
    profile: summary.profile,
    timezone: summary.timezone,
  }
  if (earlier) {
    // the same bytes again: report it as a repeat and keep nothing new
    throw new RepeatUpload(uploadId, earlier, {
      ...base,
      summary: { ...earlier.summary, repeatOf: earlier.id } as UploadSummary,
    })
  }
  await finishUpload(tx.db, uploadId, {
    ...base,
    status: request.dryRun ? 'dry-run' : 'completed',
    summary,
  })
}

/** The earliest earlier upload when every file of this one was already loaded, else undefined. */
/**
 * What a file was read with: the same bytes read with another profile, zone, mapping or category
 * map are not a repeat (a re-upload that corrects the zone must be read again).
 */
function optionsSha(request: UploadRequest, file: IngestSummary): string {
  const options = [
    file.profile,
    file.timezone,
    request.mapping ?? null,
    request.categoryMap ?? null,
  ]
  return createHash('sha256').update(JSON.stringify(options)).digest('hex')
}

async function findRepeatedUpload(
  tx: BulkTransaction,
  networkName: string,
  summary: UploadSummary,
) {
  let earliest: UploadRecord | undefined
  for (const f of summary.files) {
    const seen = await findCompletedUploadWithFile(tx.db, networkName, f.sha256, f.optionsSha256)
    if (!seen) return undefined
    if (!earliest || seen.createdAt < earliest.createdAt) earliest = seen
  }
  return earliest
}

function rejectRow(uploadId: string, seq: number, fileName: string, r: Reject): CopyValue[] {
  return [uploadId, seq, fileName, r.line, r.column, r.value, r.rule, r.message]
}

/**
 * Source ids for one file's rows that have none (VPD; police.uk rows with an empty Crime ID), so
 * the upsert key (network, source, source id, offence) is never NULL and a record that comes again
 * in a later upload (a re-downloaded current-year file) replaces itself instead of being stored
 * twice: `h:` + sha256 of the row's normalised content + `#` + its ordinal among identical rows in
 * the file, so rows genuinely repeated in one file stay distinct incidents.
 */
class ContentIds {
  private readonly seen = new Map<string, number>()

  idOf(source: string, offence: string, i: Incident): string {
    const content = JSON.stringify([
      source,
      offence,
      i.offenceCode,
      i.localCategory,
      i.occurredFromMs,
      i.occurredToMs,
      i.reportedAtMs,
      i.lon,
      i.lat,
      i.address,
      i.neighbourhood,
      i.npu,
      i.beat,
    ])
    const hash = createHash('sha256').update(content).digest('hex')
    const ordinal = (this.seen.get(hash) ?? 0) + 1
    this.seen.set(hash, ordinal)
    return `h:${hash}#${ordinal}`
  }
}

function stageRow(
  uploadId: string,
  networkName: string,
  i: Incident,
  foot: LoadedMode,
  ids: ContentIds,
): CopyValue[] {
  const footSnap =
    i.lon === null || i.lat === null
      ? undefined
      : foot.snapIndex.snap(i.lon, i.lat, INCIDENT_SNAP_RADIUS_M)
  const source = SOURCE_FAMILY[i.sourceProfile] ?? i.sourceProfile
  // the canonical offence, so one record exported under two schemas (old and new RMS) is one key
  const offence = i.category === 'unmapped' ? `local:${i.localCategory}` : i.category
  return [
    networkName,
    source,
    i.sourceId ?? ids.idOf(source, offence, i),
    offence,
    i.sourceProfile,
    i.offenceCode,
    i.localCategory,
    i.category,
    i.crimeAgainst,
    i.enforcement,
    new Date(i.occurredFromMs),
    new Date(i.occurredToMs),
    i.reportedAtMs === null ? null : new Date(i.reportedAtMs),
    i.lon,
    i.lat,
    i.neighbourhood,
    i.npu,
    i.beat,
    i.address,
    uploadId,
    i.line,
    i.segmentId,
    i.snapDistanceM,
    footSnap ? foot.graph.segmentIds[footSnap.segment]! : null,
    footSnap ? footSnap.distanceM : null,
  ]
}

/** At most one write in flight: the next batch is read while the previous one is written. */
class WriteBehind {
  private inFlight: Promise<void> = Promise.resolve()

  /** Waits for the previous write (its error surfaces here), then starts this one. */
  async add(write: () => Promise<void>): Promise<void> {
    await this.inFlight
    this.inFlight = write()
    // awaited by the next add() or flush(); marked handled so an abandoned upload does not crash the process
    this.inFlight.catch(() => {})
  }

  async flush(): Promise<void> {
    await this.inFlight
  }

  /** Waits for the write in flight to end, whether it succeeds or fails (before a rollback). */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => {})
  }
}

/** Rolls the upload's transaction back and records it as a repeat of an earlier upload. */
class RepeatUpload extends Error {
  constructor(
    readonly uploadId: string,
    readonly earlier: UploadRecord,
    readonly outcome: Omit<Parameters<typeof finishUpload>[2], 'status'>,
  ) {
    super(`same content as upload ${earlier.id}`)
  }
}
