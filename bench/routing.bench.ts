// Routing bench: `npx tsx bench/routing.bench.ts` (BENCH_PAIRS=n for fewer timed pairs; PGROUTING=0
// skips the pgRouting peer). Prints markdown for bench/RESULTS.md; the last line is
// `speedup p50 <x> p99 <y>` (our router against ngraph.path nba on Milan foot, production profile).
// Exits 2 when any finder's cost differs from the reference Dijkstra's.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import {
  DRIVE,
  DRIVE_AS_PROVENANCE,
  DRIVE_PEER_PROTOCOL,
  FOOT,
  FOOT_AS_PROVENANCE,
  type Profile,
  type StreetGraph,
} from '../src/network/index.js'
import { mismatches, runFinders } from './lib/finders.js'
import { loadCity, type ReadyCity } from './lib/load-city.js'
import { peerChecks } from './lib/peer-check.js'
import { largestScc, peerPairs } from './lib/peer-protocol.js'
import { oneToManyRows, snapRows } from './lib/throughput.js'
import { fmt, table } from './lib/table.js'
import { pgRoutingRows } from './lib/pgrouting.js'

const PAIRS = Number(process.env.BENCH_PAIRS ?? 250)
const MILAN = 'data/milan-large-graph/milan_italy_small.osm.pbf'
const ATLANTA = 'data/atlanta/central-atlanta-filtered.osm.pbf'
const SHARED = '/work/shared/data/'
const file = (path: string) => (path.startsWith('data/atlanta') ? path : SHARED + path.slice(5))
const log = (message: string) => process.stderr.write(`${message}\n`)
const out: string[] = []
const print = (text = '') => out.push(text)

const git = (args: string[]) => {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

print('## Routing')
print()
print(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; commit ${git(['rev-parse', '--short', 'HEAD'])}; load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${PAIRS} timed pairs.`,
)

log('loading Milan and Atlanta (production profiles)')
const milan = await loadCity(file(MILAN), [DRIVE, FOOT])
const atlanta = await loadCity(file(ATLANTA), [DRIVE, FOOT])
const peerWeight = (p: Profile) => (p.mode === 'foot' ? 'length' : 'time')
log('loading peer-protocol variants')
const milanPeer = await loadCity(file(MILAN), [DRIVE_PEER_PROTOCOL, FOOT_AS_PROVENANCE], peerWeight)
const atlantaPeer = await loadCity(
  file(ATLANTA),
  [DRIVE_PEER_PROTOCOL, FOOT_AS_PROVENANCE],
  peerWeight,
)

print()
print('### Import: PBF → segments → ready graph (wall ms; contraction also CPU ms)')
print()
const importRow = (name: string, city: ReadyCity) => [
  name,
  fmt(city.readMs, 0),
  fmt(city.segmentsMs, 0),
  ...city.modes.flatMap((m) => [
    fmt(m.csrMs, 0),
    `${fmt(m.contractMs, 0)} (${fmt(m.contractCpuMs, 0)})`,
    fmt(m.snapIndexMs, 0),
  ]),
  fmt(city.totalMs, 0),
]
print(
  table(
    [
      'city',
      'read PBF',
      'segments (2 modes)',
      'drive CSR',
      'drive contraction',
      'drive snap index',
      'foot CSR',
      'foot contraction',
      'foot snap index',
      'total',
    ],
    [importRow('Milan', milan), importRow('Atlanta', atlanta)],
  ),
)

log('counting profiles')
print()
print(await countsSection())

log('peer protocol checks')
print()
const peer = peerChecks(
  milanPeer.modes.map((m) => m.graph),
  atlantaPeer.modes.map((m) => m.graph),
)
print(peer.text)
let failures = peer.failures

print()
print(`### Point-to-point, ${PAIRS} pairs of the peer protocol (ms per query)`)
const timed: Array<[string, StreetGraph]> = [
  ['Milan foot (production)', milan.modes[1]!.graph],
  ['Milan drive (production)', milan.modes[0]!.graph],
  ['Milan foot (peer protocol graph)', milanPeer.modes[1]!.graph],
  ['Milan drive (peer protocol graph)', milanPeer.modes[0]!.graph],
  ['Atlanta foot (production)', atlanta.modes[1]!.graph],
  ['Atlanta drive (production)', atlanta.modes[0]!.graph],
]
let headline = ''
for (const [name, graph] of timed) {
  log(`timing ${name}`)
  const pairs = peerPairs(largestScc(graph), PAIRS)
  const runs = runFinders(graph, pairs)
  const reference = runs.find((r) => r.name.startsWith('CSR'))!.costs
  const nbaRun = runs.find((r) => r.name.endsWith('nba'))!
  const ours = runs[0]!
  print()
  print(
    `${name}: ${graph.nodeCount.toLocaleString('en-US')} nodes, ${graph.edgeHead.length.toLocaleString('en-US')} directed edges, ${graph.hierarchy.shortcuts.toLocaleString('en-US')} shortcuts`,
  )
  print()
  print(
    table(
      ['finder', 'p50', 'p90', 'p99', 'mean', 'max', 'cost mismatches (max rel. diff)'],
      runs.map((run) => {
        const m = mismatches(reference, run.costs)
        failures += m.count
        const s = run.stats
        return [
          run.name,
          fmt(s.p50, 3),
          fmt(s.p90, 3),
          fmt(s.p99, 3),
          fmt(s.mean, 3),
          fmt(s.max, 3),
          `${m.count} (${m.maxRel.toExponential(1)})`,
        ]
      }),
    ),
  )
  const speedup = `speedup p50 ${(nbaRun.stats.p50 / ours.stats.p50).toFixed(1)} p99 ${(nbaRun.stats.p99 / ours.stats.p99).toFixed(1)}`
  print()
  print(`Against nba: ${speedup}.`)
  if (name === 'Milan foot (production)') headline = speedup
}

log('one-to-many and snapping')
print()
print(
  oneToManyRows([
    ['Milan foot', milan.modes[1]!.graph],
    ['Milan drive', milan.modes[0]!.graph],
    ['Atlanta foot', atlanta.modes[1]!.graph],
    ['Atlanta drive', atlanta.modes[0]!.graph],
  ]),
)
print()
print(
  snapRows([
    ['Atlanta drive', atlanta.modes[0]!],
    ['Atlanta foot', atlanta.modes[1]!],
    ['Milan drive', milan.modes[0]!],
    ['Milan foot', milan.modes[1]!],
  ]),
)

log('memory (child process)')
print()
print(memorySection())

if (process.env.PGROUTING !== '0') {
  log('pgRouting peer')
  print()
  const pgRouting = await pgRoutingRows(milanPeer.modes[1]!.graph, PAIRS)
  print(pgRouting.text)
  failures += pgRouting.failures
}

print()
print(failures === 0 ? 'All costs equal.' : `${failures} COST MISMATCHES.`)
print(headline)
console.log(out.join('\n'))
if (failures > 0) process.exitCode = 2

async function countsSection(): Promise<string> {
  const profiles = [DRIVE, FOOT, DRIVE_AS_PROVENANCE, FOOT_AS_PROVENANCE, DRIVE_PEER_PROTOCOL]
  const provenance: Record<string, Record<string, string>> = {
    Milan: {
      'drive-as-provenance': '59,601 / 87,702 / 43,723 / 4,437',
      'foot-as-provenance': '91,701 / 183,402 / 65,908 / 5,707',
    },
    Atlanta: {
      'drive-as-provenance': '5,713 / 10,259 / 4,547 / 311',
      'foot-as-provenance': '13,387 / 26,774 / 9,411 / 506',
    },
  }
  const rows: Array<Array<string | number>> = []
  for (const [city, path] of [
    ['Milan', MILAN],
    ['Atlanta', ATLANTA],
  ] as const) {
    const { importNetwork } = await import('../src/network/index.js')
    const { createReadStream } = await import('node:fs')
    const network = await importNetwork(createReadStream(file(path)), { profiles })
    for (const set of network.sets) {
      const t = set.totals
      rows.push([
        city,
        set.profile,
        t.ways.toLocaleString('en-US'),
        `${t.segments.toLocaleString('en-US')} / ${t.directedEdges.toLocaleString('en-US')} / ${t.nodes.toLocaleString('en-US')} / ${fmt(t.km, 1)}`,
        t.onewaySegments.toLocaleString('en-US'),
        provenance[city]![set.profile] ?? '',
      ])
    }
  }
  return [
    '### Segment counts (segments / directed edges / nodes / km)',
    '',
    table(['city', 'profile', 'ways', 'ours', 'one-way segments', 'PROVENANCE.md'], rows),
  ].join('\n')
}

function memorySection(): string {
  const dir = mkdtempSync(join(tmpdir(), 'routing-bench-'))
  const files = milan.modes.map((m) => {
    const path = join(dir, `milan-${m.set.mode}.ndjson`)
    writeFileSync(path, m.set.segments.map((s) => JSON.stringify(s)).join('\n') + '\n')
    return path
  })
  const run = (args: string[]) => {
    const json = execFileSync('npx', ['tsx', 'bench/lib/graph-memory.ts', ...args], {
      encoding: 'utf8',
    })
    return JSON.parse(json.trim().split('\n').pop()!)
  }
  const runs: Array<[string, ReturnType<typeof run>]> = [
    ['foot, records paged 5,000 at a time', run(['records', files[1]!])],
    ['drive + foot, records paged', run(['records', ...files])],
    ['drive + foot, PBF import in the process', run(['pbf', file(MILAN)])],
  ]
  rmSync(dir, { recursive: true })
  return [
    '### Memory: Milan graphs + snap indexes loaded in a fresh process (MB)',
    '',
    table(
      [
        'how',
        'RSS at start (node + tsx)',
        'RSS ready',
        'peak RSS',
        'heap used ready',
        'graph typed arrays',
        'snap index typed arrays',
      ],
      runs.map(([how, m]) => [
        how,
        m.start.rssMb,
        m.ready.rssMb,
        m.peakRssMb,
        m.ready.heapMb,
        m.graphTypedArraysMb,
        m.snapIndexTypedArraysMb,
      ]),
    ),
  ].join('\n')
}
