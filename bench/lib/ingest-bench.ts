import { execFileSync, spawnSync } from 'node:child_process'
import { createReadStream, createWriteStream, readdirSync } from 'node:fs'
import { once } from 'node:events'
import { join } from 'node:path'
import { createGunzip } from 'node:zlib'
import { Parser } from 'csv-parse'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import {
  ingestIncidents,
  type IngestBatch,
  type IngestOptions,
  type IngestSummary,
  type SnapFunction,
} from '../../src/ingest/index.js'
import { DRIVE, SnapIndex, buildStreetGraph, importNetwork } from '../../src/network/index.js'

/** Where a run's batches go: the DB-load half of the bench plugs in here. */
export type BatchSink = (batch: IngestBatch) => Promise<void> | void

/** Throws batches away: the parse + validate (+ snap) half alone. */
export const discardBatches: BatchSink = () => {}

export interface IngestTiming {
  readonly summary: IngestSummary
  readonly ms: number
  readonly rowsPerS: number
}

/** One import of `file` through `sink`, timed end to end. */
export async function timeIngest(
  file: string,
  options: IngestOptions,
  sink: BatchSink = discardBatches,
): Promise<IngestTiming> {
  const t0 = performance.now()
  const run = ingestIncidents(createReadStream(file), options)
  for await (const batch of run) await sink(batch)
  const ms = performance.now() - t0
  const summary = run.summary()
  return { summary, ms, rowsPerS: summary.rowsRead / (ms / 1000) }
}

/**
 * The peer: the same bytes through gunzip (if .gz) and csv-parse alone, no decoding stage, no
 * rules. Ingest rows/s ÷ this is the noise-robust number (both share the machine's mood).
 */
export async function timeCsvParseOnly(
  file: string,
): Promise<{ rows: number; ms: number; rowsPerS: number }> {
  const t0 = performance.now()
  const bytes = createReadStream(file)
  const source = file.endsWith('.gz') ? bytes.pipe(createGunzip()) : bytes
  let rows = -1
  for await (const _ of source.pipe(
    new Parser({ relax_column_count: true, max_record_size: 1 << 20 }),
  ))
    rows++
  const ms = performance.now() - t0
  return { rows, ms, rowsPerS: rows / (ms / 1000) }
}

/**
 * The real Atlanta snapper: drive segments from the demo PBF, the network core's SnapIndex, its
 * default radius. Returns the snap function and the network bbox.
 */
export async function atlantaSnapper(pbf: string): Promise<{
  snap: SnapFunction
  bbox: readonly [number, number, number, number]
  segments: number
}> {
  const network = await importNetwork(createReadStream(pbf), { profiles: [DRIVE] })
  const graph = buildStreetGraph(network.sets[0].segments)
  const index = new SnapIndex(graph)
  const snap: SnapFunction = (lon, lat) => {
    const found = index.snap(lon, lat)
    return found && { segmentId: graph.segmentIds[found.segment], distanceM: found.distanceM }
  }
  return { snap, bbox: network.bbox, segments: graph.segmentCount }
}

/**
 * Writes a VPD-format CSV of `rows` data rows: the yearly files' rows (2020…2026) concatenated
 * and repeated. VPD rows carry no id, so repeats are not duplicates by the ingest rules.
 */
export async function writeVancouverCsv(dir: string, target: string, rows: number): Promise<void> {
  const bodies: string[] = []
  let header = ''
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.csv.gz'))
    .sort()) {
    const chunks: Buffer[] = []
    for await (const chunk of createReadStream(join(dir, name)).pipe(createGunzip()))
      chunks.push(chunk)
    const lines = Buffer.concat(chunks).toString('utf8').split('\r\n')
    header = lines[0]
    bodies.push(...lines.slice(1).filter((l) => l.length > 0))
  }
  const out = createWriteStream(target)
  out.write(`${header}\r\n`)
  for (let written = 0; written < rows;) {
    const take = Math.min(bodies.length, rows - written)
    const block = `${bodies.slice(0, take).join('\r\n')}\r\n`
    if (!out.write(block)) await once(out, 'drain')
    written += take
  }
  out.end()
  await once(out, 'finish')
}

/**
 * Writes an APD new-RMS CSV of `rows` data rows: COBRA-2022's rows repeated, the k-th repeat's
 * offense_id suffixed with k (2 digits: the 9-digit ids become 11) so every row stays distinct
 * for the duplicate check. `idPrefix` (e.g. 'APD-') turns the ids into text, which the check keeps
 * as strings instead of numbers. At most 100 repeats (1.79M rows).
 */
export async function writeAtlantaCsv(
  cobra2022Gz: string,
  target: string,
  rows: number,
  idPrefix = '',
): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of createReadStream(cobra2022Gz).pipe(createGunzip())) chunks.push(chunk)
  const [header, ...body] = parse(Buffer.concat(chunks)) as string[][]
  const out = createWriteStream(target)
  out.write(stringify([header]))
  for (let written = 0, repeat = 0; written < rows; repeat++) {
    const take = body.slice(0, Math.min(body.length, rows - written))
    if (repeat > 99) throw new Error(`at most ${100 * body.length} rows - ask for fewer`)
    const suffix = String(repeat).padStart(2, '0')
    if (
      !out.write(stringify(take.map(([id, ...rest]) => [`${idPrefix}${id}${suffix}`, ...rest])))
    ) {
      await once(out, 'drain')
    }
    written += take.length
  }
  out.end()
  await once(out, 'finish')
}

/** Runs node with `args` (flags, a script, its options) and parses the JSON line it prints last. */
export function runJson<T>(args: readonly string[]): T {
  const child = spawnSync(process.execPath, args, { encoding: 'utf8' })
  if (child.status !== 0) throw new Error(`child run failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as T
}

/** Rows per second as thousands, e.g. '172k'. */
export function k(rowsPerS: number): string {
  return `${Math.round(rowsPerS / 1000)}k`
}

/** How many times the peer's time the measured run took, e.g. '0.70×'. */
export function ratio(ms: number, peerMs: number): string {
  return `${(ms / peerMs).toFixed(2)}×`
}

/** The short commit of the checkout at `cwd`, or 'unknown'. */
export function gitCommit(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}
