import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../src/routing/random.js'
import { ingestIncidents, type IngestOptions } from '../../src/ingest/index.js'
import { ATLANTA_BBOX, ATLANTA_DIR, FIXTURES, NOW, csv, ingestAll } from './helpers.js'

const HEADER =
  'offense_id,rpt_date,occur_date,occur_time,poss_date,poss_time,beat,location,ibr_code,UC2_Literal,neighborhood,npu,lat,long'
const line = (i: number) =>
  `${220_000_000 + i},7/20/2022,7/20/2022,18:30,7/20/2022,19:00,507,12 BROAD ST SW,23H,LARCENY-NON VEHICLE,Downtown,M,33.7537,-84.391\n`

/** A source that makes rows only when asked, counting the bytes handed out. */
function lazySource(rows: number, pulled: { bytes: number }): AsyncIterable<Uint8Array> {
  return (async function* () {
    pulled.bytes += HEADER.length + 1
    yield Buffer.from(`${HEADER}\n`)
    for (let i = 0; i < rows; i += 100) {
      const chunk = Buffer.from(Array.from({ length: 100 }, (_, k) => line(i + k)).join(''))
      pulled.bytes += chunk.length
      yield chunk
    }
  })()
}

/** The same bytes in random small pieces (1–7 bytes), to cross every boundary. */
async function* pieces(bytes: Buffer, seed: number): AsyncGenerator<Uint8Array> {
  const random = mulberry32(seed)
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(random() * 7)
    yield new Uint8Array(bytes.subarray(at, at + size))
    at += size
  }
}

const options: IngestOptions = { profile: 'auto', now: NOW }

describe('ingestIncidents streaming', () => {
  it('stops reading while the consumer holds a batch (backpressure)', async () => {
    const pulled = { bytes: 0 }
    const run = ingestIncidents(lazySource(50_000, pulled), { ...options, batchSize: 100 })
    const iterator = run[Symbol.asyncIterator]()
    expect((await iterator.next()).value?.incidents).toHaveLength(100)
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
    const whilePaused = pulled.bytes
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(pulled.bytes).toBe(whilePaused)
    // the whole file is ~5.5 MB; a paused run has read a few hundred kB of it at most
    expect(whilePaused).toBeLessThan(1_000_000)
    let accepted = 100
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      accepted += next.value.incidents.length
    }
    expect(accepted).toBe(50_000)
    expect(run.summary()).toMatchObject({ status: 'complete', rowsRead: 50_000 })
  })

  it.each([
    'utf16le-with-bom.csv',
    'utf16be-with-bom.csv',
    'windows-1252-e-acute.csv',
    'crlf-inside-quotes.csv',
    'semicolon-decimal-comma.csv',
  ])('gives the same result for %s fed in 1–7 byte pieces', async (file) => {
    const bytes = readFileSync(join(FIXTURES, 'bad', file))
    const whole = await ingestAll(bytes, { bbox: ATLANTA_BBOX })
    const split = await ingestAll(pieces(bytes, 99), { bbox: ATLANTA_BBOX })
    expect(split.incidents).toEqual(whole.incidents)
    expect(split.rejects).toEqual(whole.rejects)
    expect(split.summary).toEqual(whole.summary)
  })

  it('decodes multi-byte UTF-8 split across pieces, and a BOM split in two', async () => {
    const text = `\uFEFF${HEADER}\n${line(1).replace('Downtown', 'Café €uro ✓')}`
    const outcome = await ingestAll(pieces(Buffer.from(text), 3))
    expect(outcome.summary).toMatchObject({ bom: true, encoding: 'utf-8', decodeReplacements: 0 })
    expect(outcome.incidents[0].neighbourhood).toBe('Café €uro ✓')
  })

  it('counts replacement characters when a Windows-1252 byte first appears after the 64 KiB sample', async () => {
    const rows = Array.from({ length: 800 }, (_, i) => line(i)).join('')
    const late = Buffer.concat([
      Buffer.from(`${HEADER}\n${rows}`),
      Buffer.from(line(900).replace('Downtown', 'Caf\u00e9'), 'latin1'),
    ])
    const chunks = Array.from({ length: Math.ceil(late.length / 16_384) }, (_, i) =>
      late.subarray(i * 16_384, (i + 1) * 16_384),
    )
    expect(late.length).toBeGreaterThan(80_000)
    const outcome = await ingestAll(Readable.from(chunks))
    expect(outcome.summary).toMatchObject({
      encoding: 'utf-8',
      decodeReplacements: 1,
      accepted: 801,
    })
    expect(outcome.incidents.at(-1)?.neighbourhood).toBe('Caf\uFFFD')
  })

  it('reads gzip and plain input alike and hashes the bytes as received', async () => {
    const gz = readFileSync(join(ATLANTA_DIR, 'COBRA-2020.csv.gz'))
    const outcome = await ingestAll(Readable.from([gz]))
    expect(outcome.summary.compressed).toBe(true)
    expect(outcome.summary.contentSha256).toBe(createHash('sha256').update(gz).digest('hex'))
    expect(outcome.summary.bytesRead).toBe(gz.length)
  })

  it('reports a consumer that broke off as stopped', async () => {
    const run = ingestIncidents(lazySource(5_000, { bytes: 0 }), { ...options, batchSize: 100 })
    for await (const batch of run) {
      expect(batch.incidents).toHaveLength(100)
      break
    }
    expect(run.summary()).toMatchObject({ status: 'stopped', fileError: null, accepted: 100 })
  })

  it('turns a failing input stream into an input-error', async () => {
    const broken = (async function* () {
      yield Buffer.from(`${HEADER}\n${line(1)}`)
      throw new Error('connection reset')
    })()
    const outcome = await ingestAll(broken)
    expect(outcome.error?.code).toBe('input-error')
    expect(outcome.summary).toMatchObject({ status: 'failed', fileError: { code: 'input-error' } })
  })

  it('counts snaps and distance quantiles from the injected snapper', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => line(i)).join('')
    let calls = 0
    const outcome = await ingestAll(csv(`${HEADER}\n${rows}`), {
      snap: (lon, lat) => {
        calls++
        expect([lon, lat]).toEqual([-84.391, 33.7537])
        return calls % 10 === 0 ? undefined : { segmentId: `s${calls}`, distanceM: calls % 10 }
      },
    })
    expect(outcome.summary).toMatchObject({
      snapped: 90,
      unsnapped: 10,
      snapDistanceM: { p50: 5, p90: 9, p99: 9 },
    })
    expect(outcome.incidents[0]).toMatchObject({ segmentId: 's1', snapDistanceM: 1 })
    expect(outcome.incidents[9]).toMatchObject({ segmentId: null, snapDistanceM: null })
  })
})

describe('ingestIncidents misuse', () => {
  const input = () => Readable.from([csv(`${HEADER}\n${line(1)}`)])

  it.each([
    [{ profile: 'cobra' }, /unknown profile "cobra"/],
    [{ profile: 'generic' }, /needs options.mapping/],
    [{ timezone: 'Atlanta' }, /IANA name/],
    [{ now: Number.NaN }, /options.now/],
    [{ bbox: [-84.3, 33.7, -84.4, 33.8] as const }, /west < east/],
    [{ limits: { maxRows: 0 } }, /limits.maxRows/],
    [{ batchSize: 0.5 }, /batchSize/],
    [{ categoryMap: { THEFT: '23Z' } }, /unknown canonical category "23Z"/],
    [
      { mapping: { category: 'c', occurredFrom: { kind: 'month', column: 'm' } } },
      /needs options.timezone/,
    ],
    [
      {
        timezone: 'UTC',
        mapping: {
          category: 'c',
          occurredFrom: { kind: 'month', column: 'm' },
          location: { kind: 'xy', x: 'x', y: 'y', epsg: 2240 },
        },
      },
      /EPSG:2240 is not supported/,
    ],
  ] as const)('throws at the call for %j', (bad, message) => {
    expect(() =>
      ingestIncidents(input(), { ...options, ...(bad as Partial<IngestOptions>) }),
    ).toThrow(message)
  })

  it('refuses a summary before iteration and a second iteration', async () => {
    const run = ingestIncidents(input(), options)
    expect(() => run.summary()).toThrow(/iterate the run first/)
    for await (const batch of run) expect(batch.incidents).toHaveLength(1)
    expect(() => run[Symbol.asyncIterator]()).toThrow(/iterated once/)
  })
})
