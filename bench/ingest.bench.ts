/**
 * Ingest bench: rows/s of parse + validate (+ snap on Atlanta's real network index) and peak RSS.
 *
 *   npx tsx bench/ingest.bench.ts [--parts atlanta,vancouver,ids] [--sizes 250000,1000000,2000000]
 *     [--vancouver <dir>]
 *
 * 1. Atlanta: the five COBRA files, snapped with the network core's SnapIndex over the demo PBF,
 *    once against the network bbox (rows outside are rejected before snapping) and once without
 *    a bbox (every located row goes to the snapper). Peer: csv-parse alone over the same bytes.
 *    The files are small (7k–21k rows), so one warm-up round runs first and the best of 3 counts.
 * 2. Vancouver (no network, so parse + validate only): the yearly files concatenated and repeated
 *    to each size in a temp dir, each size in its own child process so peak RSS (maxRSS) is that
 *    size's alone. Peer: csv-parse alone, in the same child, after the ingest.
 * 3. Atlanta-shaped rows with ids: COBRA-2022 repeated to 1M rows with distinct ids, to show the
 *    cost of the in-file duplicate check (one Set entry per id) on peak RSS.
 *
 * Timings on a shared machine are noisy; the ratio to the peer is the number to compare.
 * Batches go to a sink (default: discarded); the DB-load half plugs its own in via timeIngest.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gc } from './lib/gc.js'
import {
  atlantaSnapper,
  timeCsvParseOnly,
  timeIngest,
  writeAtlantaCsv,
  writeVancouverCsv,
  type IngestTiming,
} from './lib/ingest-bench.js'

const ROOT = resolve(import.meta.dirname, '..')
const ATLANTA = join(ROOT, 'data/atlanta')
const ATLANTA_FILES = ['COBRA-2019', 'COBRA-2020-Old', 'COBRA-2020', 'COBRA-2021', 'COBRA-2022']
const NOW = Date.UTC(2026, 10, 24)
// V8 grows its young generation with the allocation rate; this caps it (see RESULTS.md)
const YOUNG_GENERATION_CAP = '--max-semi-space-size=16'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '250000,1000000,2000000' },
    vancouver: { type: 'string', default: '/work/shared/data/vancouver-crime' },
    parts: { type: 'string', default: 'atlanta,vancouver,ids' },
    child: { type: 'string' },
  },
})

async function main(): Promise<void> {
  console.log(`# Ingest bench\n`)
  console.log(
    `- machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  )
  console.log(`- node ${process.version}, commit ${gitCommit()}\n`)
  const parts = new Set(values.parts.split(','))
  if (parts.has('atlanta')) await benchAtlanta()
  if (parts.has('vancouver'))
    await benchVancouver(values.sizes.split(',').map(Number), values.vancouver)
  if (parts.has('ids')) await benchAtlantaShaped(1_000_000)
}

async function benchAtlanta(): Promise<void> {
  const t0 = performance.now()
  const { snap, bbox, segments } = await atlantaSnapper(
    join(ATLANTA, 'central-atlanta-filtered.osm.pbf'),
  )
  console.log(
    `## Atlanta (real SnapIndex: ${segments} drive segments, built in ${Math.round(performance.now() - t0)} ms)\n`,
  )
  console.log('Best of 3 rounds after one warm-up round; rows/s per file.\n')
  console.log(
    '| file | rows | csv-parse alone | ingest + snap, network bbox | snapped | ratio | ingest + snap, no bbox | snapped | ratio |',
  )
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  const variants = {
    peer: (file: string) =>
      timeCsvParseOnly(file).then((r) => ({ ms: r.ms, rows: r.rows, snapped: 0 })),
    area: (file: string) => timeIngest(file, { profile: 'auto', now: NOW, bbox, snap }).then(asRow),
    all: (file: string) => timeIngest(file, { profile: 'auto', now: NOW, snap }).then(asRow),
  }
  const best = new Map<string, { ms: number; rows: number; snapped: number }>()
  for (let round = 0; round < 4; round++) {
    for (const name of ATLANTA_FILES) {
      for (const [variant, run] of Object.entries(variants)) {
        const result = await run(join(ATLANTA, `${name}.csv.gz`))
        const key = `${name}/${variant}`
        if (round > 0 && result.ms < (best.get(key)?.ms ?? Infinity)) best.set(key, result)
      }
    }
  }
  const total = { rows: 0, peer: 0, area: 0, all: 0 }
  for (const name of ATLANTA_FILES) {
    const [peer, area, all] = (['peer', 'area', 'all'] as const).map((v) =>
      best.get(`${name}/${v}`)!,
    )
    total.rows += peer.rows
    total.peer += peer.ms
    total.area += area.ms
    total.all += all.ms
    const rate = (r: { ms: number }) => k(peer.rows / (r.ms / 1000))
    console.log(
      `| ${name} | ${peer.rows} | ${rate(peer)} | ${rate(area)} | ${area.snapped} | ${ratio(area.ms, peer.ms)} | ${rate(all)} | ${all.snapped} | ${ratio(all.ms, peer.ms)} |`,
    )
  }
  const rate = (ms: number) => k(total.rows / (ms / 1000))
  console.log(
    `| **all five** | ${total.rows} | ${rate(total.peer)} | ${rate(total.area)} | | ${ratio(total.area, total.peer)} | ${rate(total.all)} | | ${ratio(total.all, total.peer)} |\n`,
  )
}

function asRow(timing: IngestTiming): { ms: number; rows: number; snapped: number } {
  return { ms: timing.ms, rows: timing.summary.rowsRead, snapped: timing.summary.snapped }
}

async function benchVancouver(sizes: readonly number[], dir: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'patrol-ingest-bench-'))
  try {
    console.log('## Vancouver VPD format (no network: parse + validate only)\n')
    console.log(
      'Each size in its own child process; peak RSS = maxRSS of that process during the ingest,',
    )
    console.log('live heap = heapUsed after a full GC at the end (what the run retains).\n')
    console.log(
      '| rows | MB | node flags | ingest rows/s | csv-parse rows/s | ratio | peak RSS MB | live heap MB |',
    )
    console.log('|---:|---:|---|---:|---:|---:|---:|---:|')
    for (const rows of sizes) {
      const file = join(work, `vpd-${rows}.csv`)
      await writeVancouverCsv(dir, file, rows)
      for (const flags of [[], [YOUNG_GENERATION_CAP]]) {
        const r = runChild(file, flags)
        console.log(
          `| ${r.rows} | ${(r.bytes / 1e6).toFixed(0)} | ${flags.join(' ') || 'default'} | ${k(r.ingestRowsPerS)} | ${k(r.peerRowsPerS)} | ${ratio(r.ingestMs, r.peerMs)} | ${r.peakRssMb} | ${r.liveHeapMb} |`,
        )
      }
      rmSync(file)
    }
    console.log('')
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

async function benchAtlantaShaped(rows: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'patrol-ingest-bench-'))
  try {
    const file = join(work, `apd-${rows}.csv`)
    await writeAtlantaCsv(join(ATLANTA, 'COBRA-2022.csv.gz'), file, rows)
    console.log(
      '## Atlanta-shaped rows with distinct ids (parse + validate + in-file duplicate check)\n',
    )
    console.log(
      'COBRA-2022 repeated with suffixed offense_ids, no bbox, no snap; one child per run.\n',
    )
    console.log(
      '| rows | MB | node flags | ingest rows/s | csv-parse rows/s | ratio | peak RSS MB | live heap MB |',
    )
    console.log('|---:|---:|---|---:|---:|---:|---:|---:|')
    for (const flags of [[], [YOUNG_GENERATION_CAP]]) {
      const r = runChild(file, flags)
      console.log(
        `| ${r.rows} | ${(r.bytes / 1e6).toFixed(0)} | ${flags.join(' ') || 'default'} | ${k(r.ingestRowsPerS)} | ${k(r.peerRowsPerS)} | ${ratio(r.ingestMs, r.peerMs)} | ${r.peakRssMb} | ${r.liveHeapMb} |`,
      )
    }
    console.log('')
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

interface ChildResult {
  readonly rows: number
  readonly bytes: number
  readonly ingestMs: number
  readonly ingestRowsPerS: number
  readonly peerMs: number
  readonly peerRowsPerS: number
  readonly peakRssMb: number
  readonly liveHeapMb: number
}

function runChild(file: string, flags: readonly string[]): ChildResult {
  const args = [...flags, ...process.execArgv, import.meta.filename, '--child', file]
  const child = spawnSync(process.execPath, args, { encoding: 'utf8' })
  if (child.status !== 0) throw new Error(`child run failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ChildResult
}

/** Child process: one ingest (peak RSS and live heap read right after it), then the peer. */
async function childRun(file: string): Promise<void> {
  const ingest = await timeIngest(file, { profile: 'auto', now: NOW })
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
  gc()
  const liveHeapMb = Math.round(process.memoryUsage().heapUsed / 1e6)
  const peer = await timeCsvParseOnly(file)
  console.log(
    JSON.stringify({
      rows: ingest.summary.rowsRead,
      bytes: ingest.summary.bytesRead,
      ingestMs: ingest.ms,
      ingestRowsPerS: ingest.rowsPerS,
      peerMs: peer.ms,
      peerRowsPerS: peer.rowsPerS,
      peakRssMb,
      liveHeapMb,
    } satisfies ChildResult),
  )
}

function k(rowsPerS: number): string {
  return `${Math.round(rowsPerS / 1000)}k`
}

/** How many times slower than the peer (csv-parse alone) the ingest ran. */
function ratio(ms: number, peerMs: number): string {
  return `${(ms / peerMs).toFixed(2)}×`
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim()
  } catch {
    return 'unknown'
  }
}

if (values.child) await childRun(values.child)
else await main()
