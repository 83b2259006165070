// Compares OSM PBF readers on one file: `npx tsx bench/lib/pbf-readers.ts <reader> <file.pbf>`.
// Prints one JSON line: counts, a coordinate checksum, wall time, peak RSS. Run each reader in its
// own process (peak RSS is per process); `npx tsx bench/lib/pbf-readers.ts all <file> [<cut-file>]`
// does that, then runs each on the first 60 % of <cut-file> (`npm run bench:pbf`: Milan, Atlanta).
import { execFileSync } from 'node:child_process'
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { decodeOsmData } from '../../src/network/pbf/osm-blocks.js'
import { readPbfBlobs } from '../../src/network/pbf/pbf-blobs.js'
import { readOsm } from '../../src/network/read-osm.js'

interface Tally {
  nodes: number
  ways: number
  relations: number
  highwayWays: number
  highwayRefs: number
  coordSum: number
}

const require = createRequire(import.meta.url)
const READERS: Record<string, (file: string, t: Tally) => Promise<void>> = {
  'osm-pbf-parser': (file, t) =>
    new Promise((resolve, reject) => {
      const parser = require('osm-pbf-parser')()
      parser.on('data', (items: any[]) => items.forEach((item) => tallyItem(t, item)))
      parser.on('end', resolve)
      parser.on('error', reject)
      createReadStream(file).on('error', reject).pipe(parser)
    }),
  'tiny-osmpbf': async (file, t) => {
    require('tiny-osmpbf')(readFileSync(file), (item: any) => tallyItem(t, item))
  },
  'osm-read': (file, t) =>
    new Promise((resolve, reject) => {
      require('osm-read').parse({
        filePath: file,
        node: (n: any) => tallyItem(t, { ...n, type: 'node' }),
        way: (w: any) => tallyItem(t, { ...w, type: 'way', refs: w.nodeRefs }),
        relation: () => t.relations++,
        endDocument: resolve,
        error: reject,
      })
    }),
  'own (pbf + zlib, count only)': async (file, t) => {
    const sink = {
      node: (_id: number, lon: number, lat: number) => tallyNode(t, lon, lat),
      way: (_id: number, refs: Float64Array) => {
        t.ways++
        t.highwayWays++
        t.highwayRefs += refs.length
      },
      skippedWays: (n: number) => (t.ways += n),
      relations: (n: number) => (t.relations += n),
    }
    for await (const blob of readPbfBlobs(createReadStream(file))) {
      if (blob.type === 'OSMData') decodeOsmData(blob.data, 'highway', new Set(['highway']), sink)
    }
  },
  'own readOsm (keeps nodes + highway ways)': async (file, t) => {
    const osm = await readOsm(createReadStream(file))
    Object.assign(t, { ...osm.counts })
    osm.lons.forEach(
      (lon, i) => (t.coordSum += Math.round(lon * 1e7) + Math.round(osm.lats[i]! * 1e7)),
    )
    for (const way of osm.ways) t.highwayRefs += way.refs.length
  },
}

function tallyNode(t: Tally, lon: number, lat: number): void {
  t.nodes++
  t.coordSum += Math.round(lon * 1e7) + Math.round(lat * 1e7)
}

function tallyItem(t: Tally, item: any): void {
  if (item.type === 'node') tallyNode(t, item.lon, item.lat)
  else if (item.type === 'way') {
    t.ways++
    if (item.tags?.highway !== undefined) {
      t.highwayWays++
      t.highwayRefs += (item.refs ?? item.nodes).length
    }
  } else if (item.type === 'relation') t.relations++
}

/**
 * How each reader takes a file cut at 60 % of its bytes (a failed download): an error (right), an
 * end without one (ways silently lost), or no end within 20 s.
 */
function truncatedRuns(file: string): void {
  const bytes = readFileSync(file)
  const cut = join(mkdtempSync(join(tmpdir(), 'pbf-cut-')), 'cut.osm.pbf')
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
  for (const name of Object.keys(READERS)) {
    try {
      // node itself as the child (not npx → tsx → node), so the timeout's SIGKILL reaches the reader
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', import.meta.filename, name, cut],
        {
          encoding: 'utf8',
          timeout: 20_000,
          killSignal: 'SIGKILL',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      const t = JSON.parse(out.trim().split('\n').at(-1)!) as Tally
      console.log(
        JSON.stringify({ reader: name, cutAt: '60 %', outcome: 'ended without error', ...t }),
      )
    } catch (err) {
      const e = err as { signal?: string; stderr?: string }
      const outcome =
        e.signal === 'SIGKILL'
          ? 'no end within 20 s'
          : `error: ${/^\w*Error: (.*)$/m.exec(e.stderr ?? '')?.[1] ?? 'exit non-zero'}`
      console.log(JSON.stringify({ reader: name, cutAt: '60 %', outcome }))
    }
  }
}

const [reader, file, cutFile] = process.argv.slice(2)
if (reader === 'all') {
  for (const name of Object.keys(READERS)) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', import.meta.filename, name, file!],
      {
        encoding: 'utf8',
      },
    )
    process.stdout.write(out)
  }
  if (cutFile) truncatedRuns(cutFile)
} else {
  const run = READERS[reader!]
  if (run === undefined || file === undefined) {
    throw new Error(`usage: pbf-readers.ts <${Object.keys(READERS).join('|')}|all> <file.pbf>`)
  }
  const baseRss = process.resourceUsage().maxRSS / 1024
  const t: Tally = { nodes: 0, ways: 0, relations: 0, highwayWays: 0, highwayRefs: 0, coordSum: 0 }
  const start = performance.now()
  await run(file, t)
  const ms = performance.now() - start
  const peakRssMb = process.resourceUsage().maxRSS / 1024
  console.log(
    JSON.stringify({
      reader,
      ms: Math.round(ms),
      peakRssMb: Math.round(peakRssMb),
      baseRssMb: Math.round(baseRss),
      ...t,
    }),
  )
}
