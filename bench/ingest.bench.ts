/**
 * Ingest bench: rows/s of parse + validate (+ snap on Atlanta's real network index), of the full
 * database load, and peak RSS.
 *
 *   npx tsx bench/ingest.bench.ts [--parts parsers,atlanta,vancouver,ids,db,db-1m]
 *     [--sizes 250000,1000000,2000000] [--vancouver <dir>] [--database-url <postgres url>]
 *
 * 0. parsers: csv-parse and papaparse on the real files (records/s, identical records) and on the
 *    bad-file corpus, the ingest's own CSV stage (papaparse's core parser) beside them.
 * 1. atlanta: the five COBRA files, snapped with the network core's SnapIndex over the demo PBF,
 *    once against the network bbox (rows outside are rejected before snapping) and once without
 *    a bbox (every located row goes to the snapper). Peer: csv-parse alone over the same bytes.
 *    The files are small (7k–21k rows), so one warm-up round runs first and the best of 3 counts.
 * 2. vancouver (no network, so parse + validate only): the yearly files concatenated and repeated
 *    to each size in a temp dir, each size in its own child process so peak RSS (maxRSS) is that
 *    size's alone. Peer: csv-parse alone, in the same child, after the ingest.
 * 3. ids: COBRA-2022 repeated to 1M rows with distinct ids (numeric, then text), to show the cost
 *    of the in-file duplicate check on peak RSS.
 * 4. db: the five COBRA files as one upload through the service (uploadIncidents → COPY/INSERT,
 *    stage, merge) on in-memory PGlite and on PostgreSQL, each in its own child with the service's
 *    node flag. Peer: ingestIncidents alone over the same files, same bbox and snapper, same child.
 * 5. db-1m (off by default; on with INGEST_BENCH_DB_1M=1, about 3 more minutes): the same on 1M
 *    Atlanta-shaped rows (as part 3, numeric ids): Vancouver has no street network to snap to.
 *
 * Timings on a shared machine are noisy; the ratio to the peer is the number to compare.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gc } from './lib/gc.js'
import type { DbLoadResult, LoadBackend } from './lib/ingest-db.js'
import {
  atlantaSnapper,
  gitCommit,
  k,
  ratio,
  runJson,
  timeCsvParseOnly,
  timeIngest,
  writeAtlantaCsv,
  writeVancouverCsv,
  type IngestTiming,
} from './lib/ingest-bench.js'

const ROOT = resolve(import.meta.dirname, '..')
const ATLANTA = join(ROOT, 'data/atlanta')
const ATLANTA_FILES = ['COBRA-2019', 'COBRA-2020-Old', 'COBRA-2020', 'COBRA-2021', 'COBRA-2022']
const ATLANTA_PBF = join(ATLANTA, 'central-atlanta-filtered.osm.pbf')
const CORPUS = join(ROOT, 'test/fixtures/ingest/bad')
const NOW = Date.UTC(2026, 10, 24)
// V8 grows its young generation with the allocation rate; this caps it (see RESULTS.md)
const YOUNG_GENERATION_CAP = '--max-semi-space-size=16'
// V8 lets old-generation garbage pile up to its own limit first; this makes it collect sooner
const OLD_GENERATION_CAP = '--max-old-space-size=128'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '250000,1000000,2000000' },
    vancouver: { type: 'string', default: '/work/shared/data/vancouver-crime' },
    parts: {
      type: 'string',
      default: `parsers,atlanta,vancouver,ids,db${process.env.INGEST_BENCH_DB_1M === '1' ? ',db-1m' : ''}`,
    },
    'database-url': { type: 'string', default: 'postgres://root@127.0.0.1:5432/test' },
    child: { type: 'string' },
    'child-db': { type: 'string' },
    files: { type: 'string' },
  },
})

async function main(): Promise<void> {
  console.log(`# Ingest bench\n`)
  console.log(
    `- machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  )
  console.log(`- node ${process.version}, commit ${gitCommit(ROOT)}\n`)
  const parts = new Set(values.parts.split(','))
  if (parts.has('parsers')) await benchParsers()
  if (parts.has('atlanta')) await benchAtlanta()
  if (parts.has('vancouver'))
    await benchVancouver(values.sizes.split(',').map(Number), values.vancouver)
  if (parts.has('ids')) await withAtlantaShaped(1_000_000, '', benchIds)
  if (parts.has('db') || parts.has('db-1m')) await printDatabaseHeader()
  if (parts.has('db')) await benchDatabase('Atlanta, five files', atlantaFiles())
  if (parts.has('db-1m'))
    await withAtlantaShaped(1_000_000, '', (file) =>
      benchDatabase('1M Atlanta-shaped rows', [file]),
    )
  console.log('')
}

function atlantaFiles(): string[] {
  return ATLANTA_FILES.map((f) => join(ATLANTA, `${f}.csv.gz`))
}

async function benchParsers(): Promise<void> {
  // imported here (and the DB half below) so the measuring children load only what they use
  const { loadTexts, parserBehaviourTable, parserSpeedTable } =
    await import('./lib/ingest-parsers.js')
  console.log('## CSV parsers on the real files (records/s, ratio to csv-parse)\n')
  console.log('64 KiB text chunks, one warm-up round then the best of 3; "(differs)" marks records')
  console.log(
    "that are not csv-parse's field for field. Vancouver: the seven yearly files as one.\n",
  )
  const atlanta = loadTexts(atlantaFiles())
  const years = readdirSync(values.vancouver).filter((f) => f.endsWith('.csv.gz'))
  const vancouver = loadTexts(
    years.sort().map((f) => join(values.vancouver, f)),
    'VPD 2020–2026',
  )
  console.log(`${await parserSpeedTable([...atlanta, ...vancouver])}\n`)
  console.log('### The parsers on the bad-file corpus (test/fixtures/ingest/bad)\n')
  console.log(`${await parserBehaviourTable(CORPUS)}\n`)
}

async function benchAtlanta(): Promise<void> {
  const t0 = performance.now()
  const { snap, bbox, segments } = await atlantaSnapper(ATLANTA_PBF)
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
    printChildHeader()
    for (const rows of sizes) {
      const file = join(work, `vpd-${rows}.csv`)
      await writeVancouverCsv(dir, file, rows)
      for (const flags of [[], [YOUNG_GENERATION_CAP]]) printChildRow(runChild(file, flags), flags)
      rmSync(file)
    }
    console.log('')
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** Writes `rows` Atlanta-shaped rows (writeAtlantaCsv) to a temp file for `use`, then deletes it. */
async function withAtlantaShaped(
  rows: number,
  idPrefix: string,
  use: (file: string) => Promise<void> | void,
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'patrol-ingest-bench-'))
  try {
    const file = join(work, `apd-${rows}.csv`)
    await writeAtlantaCsv(join(ATLANTA, 'COBRA-2022.csv.gz'), file, rows, idPrefix)
    await use(file)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

async function benchIds(file: string): Promise<void> {
  console.log(
    '## Atlanta-shaped rows with distinct ids (parse + validate + in-file duplicate check)\n',
  )
  console.log(
    "COBRA-2022 repeated to 1M rows with suffixed offense_ids (11 digits, kept as numbers; with 'APD-' in front, kept as strings), no bbox, no snap; one child per run.\n",
  )
  printChildHeader('ids')
  for (const flags of [[], [YOUNG_GENERATION_CAP]])
    printChildRow(runChild(file, flags), flags, 'digits')
  await withAtlantaShaped(1_000_000, 'APD-', (text) => {
    printChildRow(runChild(text, [YOUNG_GENERATION_CAP]), [YOUNG_GENERATION_CAP], "'APD-' text")
  })
  console.log('')
}

async function printDatabaseHeader(): Promise<void> {
  const { DB_LOAD_HEADER, DB_LOAD_NOTE } = await import('./lib/ingest-db.js')
  console.log('## Full load through the service (uploadIncidents: COPY or INSERT, stage, merge)\n')
  console.log(`${DB_LOAD_NOTE}\n`)
  console.log(DB_LOAD_HEADER)
}

// the service's flag (\`npm start\`), and PostgreSQL once more with the old generation capped too
const LOADS = [
  ['pglite', [YOUNG_GENERATION_CAP]],
  ['postgres', [YOUNG_GENERATION_CAP]],
  ['postgres', [YOUNG_GENERATION_CAP, OLD_GENERATION_CAP]],
] as const

async function benchDatabase(label: string, files: readonly string[]): Promise<void> {
  const { formatDbLoad } = await import('./lib/ingest-db.js')
  for (const [backend, flags] of LOADS) {
    const args = [...flags, ...process.execArgv, import.meta.filename]
    args.push('--child-db', backend, '--files', files.join(','))
    args.push('--database-url', values['database-url'])
    console.log(formatDbLoad(label, flags.join(' '), runJson<DbLoadResult>(args)))
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
  return runJson<ChildResult>([
    ...flags,
    ...process.execArgv,
    import.meta.filename,
    '--child',
    file,
  ])
}

function printChildHeader(first = 'rows'): void {
  console.log(
    `| ${first} | MB | node flags | ingest rows/s | csv-parse rows/s | ratio | peak RSS MB | live heap MB |`,
  )
  console.log(`|${first === 'rows' ? '---:' : '---'}|---:|---|---:|---:|---:|---:|---:|`)
}

function printChildRow(r: ChildResult, flags: readonly string[], first = String(r.rows)): void {
  console.log(
    `| ${first} | ${(r.bytes / 1e6).toFixed(0)} | ${flags.join(' ') || 'default'} | ${k(r.ingestRowsPerS)} | ${k(r.peerRowsPerS)} | ${ratio(r.ingestMs, r.peerMs)} | ${r.peakRssMb} | ${r.liveHeapMb} |`,
  )
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

if (values.child) await childRun(values.child)
else if (values['child-db']) {
  const { measureDbLoad } = await import('./lib/ingest-db.js')
  const result = await measureDbLoad({
    backend: values['child-db'] as LoadBackend,
    databaseUrl: values['database-url'],
    pbf: ATLANTA_PBF,
    files: values.files!.split(','),
    warmUp: join(ATLANTA, 'COBRA-2020.csv.gz'),
    now: NOW,
  })
  console.log(JSON.stringify(result))
} else await main()
