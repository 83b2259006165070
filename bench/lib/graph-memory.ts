// Memory of loaded graphs, in a process of its own:
//   npx tsx bench/lib/graph-memory.ts pbf <file.pbf>        PBF import in this process (as `network import`)
//   npx tsx bench/lib/graph-memory.ts records <a.ndjson>…   records paged in 5,000 at a time (as a
//                                                           service start paging the database)
// Prints one JSON line: RSS/heap at start and with the graphs + snap indexes ready, peak RSS, and
// the bytes of the graphs' and indexes' typed arrays.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import {
  buildStreetGraph,
  DRIVE,
  FOOT,
  importNetwork,
  SnapIndex,
  StreetGraphBuilder,
  type StreetGraph,
  type StreetSegment,
} from '../../src/network/index.js'
import { gc } from './gc.js'

const PAGE = 5000
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10

function usage() {
  gc()
  const m = process.memoryUsage()
  return { rssMb: mb(m.rss), heapMb: mb(m.heapUsed), arrayBuffersMb: mb(m.arrayBuffers) }
}

function typedArrayBytes(value: object, seen: Set<object>): number {
  if (seen.has(value)) return 0
  seen.add(value)
  if (ArrayBuffer.isView(value)) return value.byteLength
  let total = 0
  for (const field of Object.values(value)) {
    if (typeof field === 'object' && field !== null && !Array.isArray(field)) {
      total += typedArrayBytes(field, seen)
    }
  }
  return total
}

async function fromPbf(file: string): Promise<StreetGraph[]> {
  const { sets } = await importNetwork(createReadStream(file), { profiles: [DRIVE, FOOT] })
  return sets.map((set) => buildStreetGraph(set.segments))
}

async function fromRecords(file: string): Promise<StreetGraph> {
  const builder = new StreetGraphBuilder()
  let page: StreetSegment[] = []
  for await (const line of createInterface({ input: createReadStream(file) })) {
    page.push(JSON.parse(line) as StreetSegment)
    if (page.length === PAGE) {
      builder.addAll(page)
      page = []
    }
  }
  return builder.addAll(page).finish()
}

const [how, ...files] = process.argv.slice(2)
const start = usage()
const graphs: StreetGraph[] = []
if (how === 'pbf') graphs.push(...(await fromPbf(files[0]!)))
// one mode after the other, as a service start would page them
else for (const f of files) graphs.push(await fromRecords(f))
const indexes = graphs.map((graph) => new SnapIndex(graph))
await new Promise((resolve) => setTimeout(resolve, 100))
const ready = usage()
const seen = new Set<object>()
const graphBytes = graphs.reduce((sum, g) => sum + typedArrayBytes(g, seen), 0)
const indexBytes = indexes.reduce((sum, index) => sum + typedArrayBytes(index, seen), 0)
console.log(
  JSON.stringify({
    how,
    start,
    ready,
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    graphTypedArraysMb: mb(graphBytes),
    snapIndexTypedArraysMb: mb(indexBytes),
  }),
)
