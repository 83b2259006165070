import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { openDatabase, type DbHandle } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { SnapFunction } from '../../src/ingest/index.js'
import { INCIDENT_SNAP_RADIUS_M, uploadIncidents } from '../../src/services/incident-upload.js'
import { NetworkCache } from '../../src/services/network-cache.js'
import { importNetworkFile } from '../../src/services/network-import.js'
import type { UploadSummary } from '../../src/services/upload-summary.js'
import { timeIngest } from './ingest-bench.js'

/** Where a load goes: the embedded PGlite in memory, or a PostgreSQL server. */
export type LoadBackend = 'pglite' | 'postgres'

/** One load measured in its own process; rows/s use the rows read (accepted + rejected + duplicates). */
export interface DbLoadResult {
  readonly backend: LoadBackend
  readonly files: number
  readonly rows: number
  readonly accepted: number
  readonly rejected: number
  readonly inserted: number
  readonly loadMs: number
  /** The same files through ingestIncidents alone (same bbox and drive snapper), same process. */
  readonly parseMs: number
  /** RSS right before the load: network imported (both modes' graphs built), warm-up done. */
  readonly rssBeforeMb: number
  /** Highest RSS sampled every 20 ms during the load. */
  readonly rssPeakLoadMb: number
  /** maxRSS of the process after the load (PGlite peaks while it opens; see RESULTS.md). */
  readonly maxRssMb: number
}

/** Samples RSS every 20 ms until stopped; returns the highest value in MB. */
function sampleRss(): () => number {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20)
  return () => {
    clearInterval(timer)
    return Math.round(Math.max(peak, process.memoryUsage.rss()) / 2 ** 20)
  }
}

/**
 * A fresh, migrated database: in-memory PGlite, or a private schema on `databaseUrl` that
 * `close` drops again (as test/helpers/db.ts does).
 */
async function openBenchDatabase(backend: LoadBackend, databaseUrl: string): Promise<DbHandle> {
  if (backend === 'pglite') {
    const handle = await openDatabase({ pgliteDir: 'memory://' })
    await migrateToLatest(handle.db)
    return handle
  }
  const schema = `bench_ingest_${randomBytes(6).toString('hex')}`
  const handle = await openDatabase({ databaseUrl, schema })
  const close = async () => {
    if (handle.backend.kind === 'postgres')
      await handle.backend.pool.query(`drop schema if exists ${schema} cascade`)
    await handle.close()
  }
  try {
    await migrateToLatest(handle.db)
  } catch (err) {
    await close()
    throw err
  }
  return { ...handle, close }
}

/**
 * Imports the Atlanta PBF as network 'atlanta', then uploads `files` in ONE upload through the
 * service's own path: uploadIncidents → withBulkTransaction (COPY on PostgreSQL, batched INSERT
 * on PGlite) → stage → merge, both modes snapped. A small warm-up upload (dry run) goes first.
 * The peer is ingestIncidents alone over the same files with the same bbox and drive snapper.
 */
export async function measureDbLoad(options: {
  readonly backend: LoadBackend
  readonly databaseUrl: string
  readonly pbf: string
  readonly files: readonly string[]
  readonly warmUp: string
  readonly now: number
}): Promise<DbLoadResult> {
  const handle = await openBenchDatabase(options.backend, options.databaseUrl)
  try {
    const { network } = await importNetworkFile(handle.db, createReadStream(options.pbf), {
      name: 'atlanta',
      sourceName: basename(options.pbf),
      timezone: 'America/New_York',
    })
    const networks = new NetworkCache(handle.db)
    await networks.warm(network.id)
    const upload = (files: readonly string[], dryRun: boolean) =>
      uploadIncidents(handle, networks, {
        networkName: network.name,
        files: files.map((f) => ({ name: basename(f), open: () => createReadStream(f) })),
        dryRun,
        now: new Date(options.now),
      })
    await upload([options.warmUp], true)
    const rssBeforeMb = Math.round(process.memoryUsage.rss() / 2 ** 20)
    const stopSampling = sampleRss()
    const t0 = performance.now()
    const { upload: record } = await upload(options.files, false)
    const loadMs = performance.now() - t0
    const rssPeakLoadMb = stopSampling()
    const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
    const summary = record.summary as UploadSummary
    if (record.status !== 'completed')
      throw new Error(`the bench upload ended ${record.status}: ${JSON.stringify(record.error)}`)
    const drive = await networks.mode(network, 'drive')
    const snap: SnapFunction = (lon, lat) => {
      const found = drive.snapIndex.snap(lon, lat, INCIDENT_SNAP_RADIUS_M)
      return (
        found && { segmentId: drive.graph.segmentIds[found.segment]!, distanceM: found.distanceM }
      )
    }
    let parseMs = 0
    for (const file of options.files) {
      parseMs += (
        await timeIngest(file, { profile: 'auto', now: options.now, bbox: network.bbox, snap })
      ).ms
    }
    return {
      backend: options.backend,
      files: options.files.length,
      rows: summary.rowsRead,
      accepted: summary.accepted,
      rejected: summary.rejected,
      inserted: summary.inserted,
      loadMs,
      parseMs,
      rssBeforeMb,
      rssPeakLoadMb,
      maxRssMb,
    }
  } finally {
    await handle.close()
  }
}

/** What the load table's columns mean. */
export const DB_LOAD_NOTE = [
  'One upload per child process: the network imported, a dry-run warm-up, then the timed load.',
  'Peer: ingestIncidents alone over the same files (same bbox, same drive snapper) in the same',
  'child; load ÷ parse = how many times the parse-only time the load took. RSS before = after the',
  'network import and warm-up; during = highest RSS sampled every 20 ms in the load; maxRSS = the',
  "process's peak (PGlite reaches its own while opening).",
].join('\n')

/** The load table's header rows. */
export const DB_LOAD_HEADER = [
  '| data | database | node flags | rows | accepted | rejected | inserted | load rows/s | parse rows/s | load ÷ parse | RSS before → during load MB | maxRSS MB |',
  '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
].join('\n')

/** One row of the load table. */
export function formatDbLoad(label: string, flags: string, r: DbLoadResult): string {
  const rate = (ms: number) => `${Math.round(r.rows / ms)}k`
  const database = r.backend === 'pglite' ? 'PGlite (memory)' : 'PostgreSQL'
  return `| ${label} | ${database} | ${flags} | ${r.rows} | ${r.accepted} | ${r.rejected} | ${r.inserted} | ${rate(r.loadMs)} | ${rate(r.parseMs)} | ${(r.loadMs / r.parseMs).toFixed(2)}× | ${r.rssBeforeMb} → ${r.rssPeakLoadMb} | ${r.maxRssMb} |`
}
