import { createReadStream, readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { createDeflate } from 'node:zlib'
import { PbfWriter } from 'pbf'
import { describe, expect, it } from 'vitest'
import {
  DRIVE,
  DRIVE_AS_PROVENANCE,
  FOOT,
  FOOT_AS_PROVENANCE,
  importNetwork,
  NetworkImportError,
} from '../../src/network/index.js'

const FIXTURE = new URL('../fixtures/network/atlanta-downtown.osm.pbf', import.meta.url)
const RAILWAYS = new URL('../fixtures/network/atlanta-downtown-railways.osm.pbf', import.meta.url)
const ATLANTA = new URL('../../data/atlanta/central-atlanta-filtered.osm.pbf', import.meta.url)
const ALL = [DRIVE, FOOT, DRIVE_AS_PROVENANCE, FOOT_AS_PROVENANCE]

function bytes(data: Uint8Array, chunkSize = 4096): Readable {
  const chunks: Uint8Array[] = []
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize))
  return Readable.from(chunks)
}

async function importError(source: Readable): Promise<NetworkImportError> {
  const error = await importNetwork(source).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(NetworkImportError)
  return error as NetworkImportError
}

/** One PBF frame: size, BlobHeader of `type`, and a zlib Blob declaring `rawSize` (if given). */
function zlibFrame(type: string, zlib: Uint8Array, rawSize?: number): Uint8Array {
  const blob = new PbfWriter()
  if (rawSize !== undefined) blob.writeVarintField(2, rawSize)
  blob.writeBytesField(3, zlib)
  const data = blob.finish()
  const header = new PbfWriter()
  header.writeStringField(1, type)
  header.writeVarintField(3, data.length)
  const head = header.finish()
  const frame = new Uint8Array(4 + head.length + data.length)
  new DataView(frame.buffer).setUint32(0, head.length)
  frame.set(head, 4)
  frame.set(data, 4 + head.length)
  return frame
}

/** zlib of `mib` MiB of zeros (about 1 KiB per MiB), deflated from one reused 1 MiB buffer. */
async function zlibOfZeros(mib: number): Promise<Uint8Array> {
  const zeros = new Uint8Array(1 << 20)
  return buffer(
    Readable.from(
      (function* () {
        for (let i = 0; i < mib; i++) yield zeros
      })(),
    ).pipe(createDeflate()),
  )
}

describe('importNetwork', () => {
  it('cuts the downtown fixture into the segments an osmium count gives', async () => {
    const network = await importNetwork(createReadStream(FIXTURE), { profiles: ALL })
    expect(network.osm).toEqual({ nodes: 1061, ways: 138, relations: 36, highwayWays: 131 })
    const totals = Object.fromEntries(network.sets.map((s) => [s.profile, s.totals]))
    expect(totals.drive).toMatchObject({ ways: 61, segments: 115, onewaySegments: 53, nodes: 97 })
    expect(totals.foot).toMatchObject({ ways: 122, segments: 389, onewaySegments: 0, nodes: 264 })
    expect(totals['drive-as-provenance']).toMatchObject({
      ways: 74,
      segments: 130,
      onewaySegments: 58,
    })
    expect(totals['foot-as-provenance']).toMatchObject({ ways: 126, segments: 413, nodes: 279 })
  })

  it('splits ways at intersections and keeps one-ways in way order', async () => {
    const [drive] = (await importNetwork(createReadStream(FIXTURE))).sets
    const byId = new Map(drive!.segments.map((s) => [s.id, s]))
    // Andrew Young International Boulevard (w9263333, oneway=yes) meets other drivable ways at 1896604241
    expect(byId.get('w9263333:69405760-1896604241')).toMatchObject({
      wayId: 9263333,
      highway: 'tertiary',
      name: 'Andrew Young International Boulevard',
      oneway: true,
      speedKmh: 40,
    })
    expect(byId.get('w9263333:1896604241-3582046218')?.oneway).toBe(true)
    expect(byId.get('w9247887:69168618-1245732604')).toMatchObject({ oneway: false, speedKmh: 40 })
    expect(byId.get('w9247887:69168618-1245732604')!.lengthM).toBeCloseTo(83.42, 2)
  })

  it('leaves parking aisles out of drive and foot=no cycle tracks out of foot', async () => {
    const network = await importNetwork(createReadStream(FIXTURE), { profiles: ALL })
    const ways = (profile: string) =>
      new Set(network.sets.find((s) => s.profile === profile)!.segments.map((s) => s.wayId))
    expect(ways('drive').has(192793474)).toBe(false)
    expect(ways('drive-as-provenance').has(192793474)).toBe(true)
    expect(ways('foot').has(341489742)).toBe(false)
    expect(ways('foot-as-provenance').has(341489742)).toBe(true)
    expect(ways('foot-as-provenance').has(884974010)).toBe(false)
  })

  it('gives identical ids and segments when the same file is imported twice', async () => {
    const data = readFileSync(FIXTURE)
    const first = await importNetwork(bytes(data, 1000))
    const second = await importNetwork(bytes(data, 7777))
    expect(second.sets).toEqual(first.sets)
    const ids = first.sets.flatMap((s) => s.segments.map((x) => x.id))
    expect(new Set(first.sets[0]!.segments.map((s) => s.id)).size).toBe(
      first.sets[0]!.segments.length,
    )
    expect(ids.length).toBeGreaterThan(0)
  })

  it('reports a bbox that covers the cut and stays inside the file (osmium fileinfo)', async () => {
    const [w, s, e, n] = (await importNetwork(createReadStream(FIXTURE))).bbox
    expect([w <= -84.3905, s <= 33.756, e >= -84.386, n >= 33.76]).toEqual([true, true, true, true])
    expect([w >= -84.3955451, s >= 33.7489909, e <= -84.3743342, n <= 33.7658936]).toEqual([
      true,
      true,
      true,
      true,
    ])
  })

  it('rejects an empty file with empty-pbf', async () => {
    expect((await importError(bytes(new Uint8Array(0)))).code).toBe('empty-pbf')
  })

  it('rejects OSM XML with not-a-pbf', async () => {
    const xml = new TextEncoder().encode('<?xml version="1.0"?><osm version="0.6"></osm>')
    const error = await importError(bytes(xml))
    expect(error.code).toBe('not-a-pbf')
    expect(error.message).toMatch(/"<\?xm"/)
  })

  it('rejects a file cut short with truncated-pbf', async () => {
    const data = readFileSync(FIXTURE)
    expect((await importError(bytes(data.subarray(0, data.length >> 1)))).code).toBe(
      'truncated-pbf',
    )
  })

  it('stops inflating a zlib bomb at its declared raw_size, or at 32 MiB without one', async () => {
    const zlib = await zlibOfZeros(64)
    expect(zlib.length).toBeLessThan(128 * 1024)
    const declared = await importError(bytes(zlibFrame('OSMHeader', zlib, 100)))
    expect(declared.code).toBe('corrupt-pbf')
    expect(declared.message).toBe(
      'The block at byte 0 decompresses to more than 100 bytes, expected 100.',
    )
    expect((declared.cause as { code?: string }).code).toBe('ERR_BUFFER_TOO_LARGE')
    const undeclared = await importError(bytes(zlibFrame('OSMHeader', zlib)))
    expect(undeclared.code).toBe('corrupt-pbf')
    expect(undeclared.message).toBe('The block at byte 0 decompresses to more than 33554432 bytes.')
  })

  it('rejects a file without streets with no-highways', async () => {
    const error = await importError(createReadStream(RAILWAYS))
    expect(error.code).toBe('no-highways')
    expect(error.message).toMatch(/7 ways \(0 tagged highway\)/)
  })

  it('reproduces PROVENANCE counts for the whole Atlanta file and filters them for production', async () => {
    const network = await importNetwork(createReadStream(ATLANTA), { profiles: ALL })
    const totals = Object.fromEntries(network.sets.map((s) => [s.profile, s.totals]))
    expect(totals['drive-as-provenance']).toMatchObject({
      ways: 3468,
      segments: 5713,
      directedEdges: 10259,
      nodes: 4547,
    })
    expect(totals['drive-as-provenance']!.km).toBeCloseTo(311, 0)
    expect(totals['foot-as-provenance']).toMatchObject({ ways: 5470, segments: 13387, nodes: 9411 })
    expect(totals['foot-as-provenance']!.km).toBeCloseTo(506, 0)
    expect(totals.drive).toMatchObject({
      ways: 2164,
      segments: 3780,
      onewaySegments: 870,
      nodes: 3251,
    })
    expect(totals.foot).toMatchObject({ ways: 5202, segments: 12705, nodes: 8972 })
  })
})
