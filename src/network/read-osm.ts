import { NetworkImportError } from './errors.js'
import { decodeOsmData, decodeOsmHeader } from './pbf/osm-blocks.js'
import { readPbfBlobs } from './pbf/pbf-blobs.js'
import { ROUTING_TAG_KEYS } from './profiles.js'

/** An OSM way tagged `highway=*`, with only the tags routing reads (ROUTING_TAG_KEYS). */
export interface OsmWay {
  readonly id: number
  /** OSM node ids in way order. */
  readonly refs: Float64Array
  readonly tags: Readonly<Record<string, string>>
}

/** What an OSM file holds, reduced to what street networks need. */
export interface OsmExtract {
  readonly counts: {
    readonly nodes: number
    readonly ways: number
    readonly relations: number
    readonly highwayWays: number
  }
  /** Ways tagged `highway=*`, in file order. */
  readonly ways: readonly OsmWay[]
  /** Every node id, ascending; `lons`/`lats` (degrees) are aligned with it. */
  readonly nodeIds: Float64Array
  readonly lons: Float64Array
  readonly lats: Float64Array
  readonly writingProgram: string | null
}

/**
 * Reads an OSM PBF byte stream (a file read stream, an upload) block by block. Node coordinates
 * are all kept (24 bytes a node, since ways come after nodes); of the ways only `highway=*` ones.
 * Throws NetworkImportError ('empty-pbf', 'not-a-pbf', 'truncated-pbf', 'corrupt-pbf',
 * 'unsupported-pbf'); a file without ways tagged `highway` is returned as is (no error here).
 */
export async function readOsm(source: AsyncIterable<Uint8Array>): Promise<OsmExtract> {
  const nodes = new NodeStore()
  const ways: OsmWay[] = []
  let otherWays = 0
  let relations = 0
  let writingProgram: string | null = null
  let headerSeen = false
  const sink = {
    node: (id: number, lon: number, lat: number) => nodes.add(id, lon, lat),
    way: (id: number, refs: Float64Array, tags: Record<string, string>) => {
      ways.push({ id, refs, tags })
    },
    skippedWays: (count: number) => {
      otherWays += count
    },
    relations: (count: number) => {
      relations += count
    },
  }
  for await (const blob of readPbfBlobs(source)) {
    try {
      if (blob.type === 'OSMHeader') {
        writingProgram = decodeOsmHeader(blob.data).writingProgram
        headerSeen = true
      } else if (blob.type === 'OSMData') {
        decodeOsmData(blob.data, 'highway', ROUTING_TAG_KEYS, sink)
      }
    } catch (cause) {
      if (cause instanceof NetworkImportError) throw cause
      throw new NetworkImportError(
        'corrupt-pbf',
        `The block at byte ${blob.offset} does not decode.`,
        {
          cause,
        },
      )
    }
  }
  if (!headerSeen || (nodes.size === 0 && ways.length + otherWays + relations === 0)) {
    throw new NetworkImportError(
      'empty-pbf',
      'The PBF file holds no OSM objects - export an extract that covers the streets.',
    )
  }
  const { nodeIds, lons, lats } = nodes.finish()
  return {
    counts: {
      nodes: nodeIds.length,
      ways: ways.length + otherWays,
      relations,
      highwayWays: ways.length,
    },
    ways,
    nodeIds,
    lons,
    lats,
    writingProgram,
  }
}

/** Index of OSM node `id` in `extract.nodeIds`, or -1 when the file does not have it. */
export function findNode(extract: Pick<OsmExtract, 'nodeIds'>, id: number): number {
  const ids = extract.nodeIds
  let lo = 0
  let hi = ids.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = ids[mid]!
    if (v < id) lo = mid + 1
    else if (v > id) hi = mid - 1
    else return mid
  }
  return -1
}

class NodeStore {
  private ids = new Float64Array(1024)
  private lons = new Float64Array(1024)
  private lats = new Float64Array(1024)
  private sorted = true
  size = 0

  add(id: number, lon: number, lat: number): void {
    if (this.size === this.ids.length) this.grow()
    if (this.size > 0 && id <= this.ids[this.size - 1]!) this.sorted = false
    this.ids[this.size] = id
    this.lons[this.size] = lon
    this.lats[this.size] = lat
    this.size++
  }

  finish(): { nodeIds: Float64Array; lons: Float64Array; lats: Float64Array } {
    const n = this.size
    const ids = this.ids.slice(0, n)
    const lons = this.lons.slice(0, n)
    const lats = this.lats.slice(0, n)
    if (this.sorted) return { nodeIds: ids, lons, lats }
    // files not sorted by id (Sort.Type_then_ID absent) get one permutation sort
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ids[a]! - ids[b]!)
    return {
      nodeIds: Float64Array.from(order, (i) => ids[i]!),
      lons: Float64Array.from(order, (i) => lons[i]!),
      lats: Float64Array.from(order, (i) => lats[i]!),
    }
  }

  private grow(): void {
    const size = this.ids.length * 2
    for (const key of ['ids', 'lons', 'lats'] as const) {
      const next = new Float64Array(size)
      next.set(this[key])
      this[key] = next
    }
  }
}
