import { PbfReader } from 'pbf'
import { NetworkImportError } from '../errors.js'

/** Receives the entities of one decoded OSMData block. Coordinates in degrees (WGS84). */
export interface OsmSink {
  node(id: number, lon: number, lat: number): void
  /** Called only for ways tagged with one of `wantedKey`; `tags` holds only the `keptKeys`. */
  way(id: number, refs: Float64Array, tags: Record<string, string>): void
  /** Ways without the wanted key and relations are only counted. */
  skippedWays(count: number): void
  relations(count: number): void
}

/** What the OSMHeader block declares. */
export interface OsmHeader {
  readonly requiredFeatures: readonly string[]
  readonly writingProgram: string | null
}

const SUPPORTED_FEATURES = new Set(['OsmSchema-V0.6', 'DenseNodes'])

/** Decodes the OSMHeader block; throws 'unsupported-pbf' for features we cannot read (history files). */
export function decodeOsmHeader(data: Uint8Array): OsmHeader {
  const pbf = new PbfReader(data)
  const requiredFeatures: string[] = []
  let writingProgram: string | null = null
  let field: number
  while ((field = pbf.nextField()) !== 0) {
    if (field === 4) requiredFeatures.push(pbf.readString())
    else if (field === 16) writingProgram = pbf.readString()
  }
  const unsupported = requiredFeatures.filter((f) => !SUPPORTED_FEATURES.has(f))
  if (unsupported.length > 0) {
    throw new NetworkImportError(
      'unsupported-pbf',
      `The file requires ${unsupported.join(', ')}; only plain OSM snapshots (OsmSchema-V0.6, DenseNodes) are supported.`,
    )
  }
  return { requiredFeatures, writingProgram }
}

/**
 * Decodes one OSMData block into `sink`. `wantedKey` selects the ways that are materialised
 * (e.g. 'highway'); all other ways are only counted, which keeps memory to what routing needs.
 */
export function decodeOsmData(
  data: Uint8Array,
  wantedKey: string,
  keptKeys: ReadonlySet<string>,
  sink: OsmSink,
): void {
  const pbf = new PbfReader(data)
  let strings: string[] = []
  let granularity = 100
  let latOffset = 0
  let lonOffset = 0
  const groups: Array<[number, number]> = []
  let field: number
  while ((field = pbf.nextField()) !== 0) {
    if (field === 1) strings = readStringTable(pbf)
    else if (field === 2) {
      const end = pbf.readVarint() + pbf.pos
      groups.push([pbf.pos, end])
      pbf.pos = end
    } else if (field === 17) granularity = pbf.readVarint()
    else if (field === 19) latOffset = pbf.readVarint(true)
    else if (field === 20) lonOffset = pbf.readVarint(true)
  }
  // offsets and granularity may follow the groups in the message, so groups are read last
  const block: BlockContext = {
    strings,
    granularity,
    latOffset,
    lonOffset,
    wanted: strings.indexOf(wantedKey),
    kept: keptIndexes(strings, keptKeys),
  }
  for (const [start, end] of groups) {
    pbf.pos = start
    readGroup(pbf, end, block, sink)
  }
}

interface BlockContext {
  readonly strings: readonly string[]
  readonly granularity: number
  readonly latOffset: number
  readonly lonOffset: number
  readonly wanted: number
  readonly kept: Uint8Array
}

function readStringTable(pbf: PbfReader): string[] {
  const end = pbf.readVarint() + pbf.pos
  const strings: string[] = []
  while (pbf.nextField(end) !== 0) strings.push(pbf.readString())
  return strings
}

function keptIndexes(strings: readonly string[], keys: ReadonlySet<string>): Uint8Array {
  const kept = new Uint8Array(strings.length)
  for (let i = 0; i < strings.length; i++) if (keys.has(strings[i]!)) kept[i] = 1
  return kept
}

function readGroup(pbf: PbfReader, end: number, block: BlockContext, sink: OsmSink): void {
  let relations = 0
  let field: number
  while ((field = pbf.nextField(end)) !== 0) {
    const messageEnd = pbf.readVarint() + pbf.pos
    if (field === 1) readNode(pbf, messageEnd, block, sink)
    else if (field === 2) readDenseNodes(pbf, messageEnd, block, sink)
    else if (field === 3) readWay(pbf, messageEnd, block, sink)
    else if (field === 4) relations++
    pbf.pos = messageEnd
  }
  if (relations > 0) sink.relations(relations)
}

function toDegrees(offset: number, granularity: number, value: number): number {
  // one division of the exact nanodegree integer gives the same double as parsing the decimal
  return (offset + granularity * value) / 1e9
}

function readNode(pbf: PbfReader, end: number, block: BlockContext, sink: OsmSink): void {
  let id = 0
  let lat = 0
  let lon = 0
  let field: number
  while ((field = pbf.nextField(end)) !== 0) {
    if (field === 1) id = pbf.readSVarint()
    else if (field === 8) lat = pbf.readSVarint()
    else if (field === 9) lon = pbf.readSVarint()
  }
  const { granularity: g, latOffset, lonOffset } = block
  sink.node(id, toDegrees(lonOffset, g, lon), toDegrees(latOffset, g, lat))
}

function readDenseNodes(pbf: PbfReader, end: number, block: BlockContext, sink: OsmSink): void {
  let ids: number[] = []
  let lats: number[] = []
  let lons: number[] = []
  let field: number
  while ((field = pbf.nextField(end)) !== 0) {
    if (field === 1) ids = pbf.readPackedSVarint()
    else if (field === 8) lats = pbf.readPackedSVarint()
    else if (field === 9) lons = pbf.readPackedSVarint()
  }
  if (lats.length !== ids.length || lons.length !== ids.length) {
    throw new NetworkImportError(
      'corrupt-pbf',
      'A dense node group has mismatched id/lat/lon counts.',
    )
  }
  const { granularity: g, latOffset, lonOffset } = block
  let id = 0
  let lat = 0
  let lon = 0
  for (let i = 0; i < ids.length; i++) {
    id += ids[i]!
    lat += lats[i]!
    lon += lons[i]!
    sink.node(id, toDegrees(lonOffset, g, lon), toDegrees(latOffset, g, lat))
  }
}

function readWay(pbf: PbfReader, end: number, block: BlockContext, sink: OsmSink): void {
  let id = 0
  let keys: number[] = []
  let vals: number[] = []
  let refsPos = -1
  let field: number
  while ((field = pbf.nextField(end)) !== 0) {
    if (field === 1) id = pbf.readVarint()
    else if (field === 2) keys = pbf.readPackedVarint()
    else if (field === 3) vals = pbf.readPackedVarint()
    else if (field === 8 && pbf.type === 2) refsPos = pbf.pos
  }
  if (refsPos < 0 || block.wanted < 0 || !keys.includes(block.wanted)) {
    sink.skippedWays(1)
    return
  }
  pbf.pos = refsPos
  pbf.type = 2
  const refs = readDeltaRefs(pbf)
  const tags: Record<string, string> = {}
  for (let i = 0; i < keys.length; i++) {
    if (block.kept[keys[i]!] === 1) tags[block.strings[keys[i]!]!] = block.strings[vals[i]!] ?? ''
  }
  sink.way(id, refs, tags)
}

function readDeltaRefs(pbf: PbfReader): Float64Array {
  const deltas = pbf.readPackedSVarint()
  const refs = new Float64Array(deltas.length)
  let ref = 0
  for (let i = 0; i < deltas.length; i++) {
    ref += deltas[i]!
    refs[i] = ref
  }
  return refs
}
