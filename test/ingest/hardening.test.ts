import { gzipSync } from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import type { ColumnMapping } from '../../src/ingest/index.js'
import { csv, ingestAll } from './helpers.js'

const HEADER =
  'offense_id,rpt_date,occur_date,occur_time,poss_date,poss_time,beat,location,ibr_code,UC2_Literal,neighborhood,npu,lat,long'
const row = (id: string | number, location = '12 BROAD ST SW', category = 'LARCENY-NON VEHICLE') =>
  `${id},7/20/2022,7/20/2022,18:30,7/20/2022,19:00,507,${location},23H,${category},Downtown,M,33.7537,-84.391`

/** The header and `count` good rows: line n + 1 holds row n. */
function rows(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => row(220_000_000 + from + i))
}

/** `bytes` in 16 KiB chunks, as a file stream or an upload hands them out. */
async function* chunked(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 16 * 1024) yield bytes.subarray(at, at + 16 * 1024)
}

describe('NUL characters', () => {
  it('rejects rows holding a NUL after the first 64 KiB as row.nul-byte, at their line', async () => {
    const before = rows(1000) // ~130 kB, well past the 64 KiB sample
    const lines = [
      HEADER,
      ...before,
      row(1, '12 BROAD\u0000 ST SW'), // line 1002
      row(2, '"5 OAK\nST\u0000"'), // line 1003, the NUL on line 1004
      `${row(3)},\u0000extra`, // line 1005: too many fields and a NUL
      ...rows(3, 5000), // lines 1006–1008
      '',
    ]
    const outcome = await ingestAll(chunked(csv(lines.join('\n'))), { batchSize: 100 })
    expect(outcome.error).toBeUndefined()
    expect(outcome.rejects.map((r) => [r.line, r.rule, r.column])).toEqual([
      [1002, 'row.nul-byte', 'location'],
      [1003, 'row.nul-byte', 'location'],
      [1005, 'row.columns', null],
    ])
    expect(outcome.rejects[0].value).toBe('12 BROAD ST SW')
    expect(outcome.rejects[2].value).toContain(',extra')
    const s = outcome.summary
    expect(s).toMatchObject({ status: 'complete', rowsRead: 1006, accepted: 1003, rejected: 3 })
    expect(s.rejectedByRule).toEqual({ 'row.nul-byte': 2, 'row.columns': 1 })
    expect(s.accepted + s.rejected + s.duplicates).toBe(s.rowsRead)
    // nothing leaving the ingest core holds U+0000
    expect(JSON.stringify(outcome)).not.toContain('\\u0000')
  })

  it('rejects a NUL in a UTF-16 file past the sample the same way', async () => {
    const text = [HEADER, ...rows(600), row(1, 'A\u0000B'), ''].join('\r\n')
    const outcome = await ingestAll(chunked(Buffer.from(`\uFEFF${text}`, 'utf16le')))
    expect(outcome.error).toBeUndefined()
    expect(outcome.summary.encoding).toBe('utf-16le')
    expect(outcome.rejects.map((r) => [r.line, r.rule, r.value])).toEqual([
      [602, 'row.nul-byte', 'AB'],
    ])
  })

  it('refuses a header holding a NUL, and a mapping column name holding one', async () => {
    const text = `\uFEFF${HEADER.replace('beat', 'be\u0000at')}\r\n${row(1)}\r\n`
    const outcome = await ingestAll(Buffer.from(text, 'utf16le'))
    expect(outcome.error).toMatchObject({ code: 'unsupported-format', line: 1 })
    expect(JSON.stringify(outcome.summary)).not.toContain('\\u0000')
    const mapping: ColumnMapping = {
      category: 'cat\u0000',
      occurredFrom: { kind: 'date-time', date: 'when', order: 'ymd' },
    }
    await expect(
      ingestAll(csv('x\n'), { profile: 'generic', mapping, timezone: 'UTC' }),
    ).rejects.toThrow(/NUL/)
  })

  it('still refuses a file with NULs in its first 64 KiB as unsupported-format', async () => {
    const outcome = await ingestAll(csv(`${HEADER}\n${row(1, 'A\u0000B')}\n`))
    expect(outcome.error?.code).toBe('unsupported-format')
  })
})

describe('over-long ids and categories', () => {
  it('rejects a source id or local category over 200 characters as value.too-long', async () => {
    const lines = [
      HEADER,
      row('9'.repeat(200)), // the cap itself is fine
      row('9'.repeat(201)),
      row(3, undefined, 'X'.repeat(5000)),
      row(4, undefined, `"${'Y'.repeat(200)}"`),
      '',
    ]
    const outcome = await ingestAll(csv(lines.join('\n')))
    expect(outcome.error).toBeUndefined()
    expect(outcome.rejects.map((r) => [r.line, r.rule, r.column])).toEqual([
      [3, 'value.too-long', 'offense_id'],
      [4, 'value.too-long', 'UC2_Literal'],
    ])
    expect(outcome.rejects[1].value.length).toBeLessThanOrEqual(201)
    expect(outcome.incidents.map((i) => i.line)).toEqual([2, 5])
    expect(outcome.summary).toMatchObject({ rowsRead: 4, accepted: 2, rejected: 2 })
  })

  it('rejects a generic mapping that points category at a narrative column', async () => {
    const mapping: ColumnMapping = {
      id: 'id',
      category: 'narrative',
      occurredFrom: { kind: 'date-time', date: 'when', order: 'ymd' },
    }
    const story = 'the caller reported that '.repeat(200)
    const text = `id,when,narrative\nA1,2024-03-01 10:00,theft\nA2,2024-03-01 11:00,${story}\n`
    const outcome = await ingestAll(csv(text), { profile: 'generic', mapping, timezone: 'UTC' })
    expect(outcome.rejects.map((r) => [r.line, r.rule, r.column])).toEqual([
      [3, 'value.too-long', 'narrative'],
    ])
    expect(outcome.summary).toMatchObject({ rowsRead: 2, accepted: 1, rejected: 1 })
  })
})

describe('sources are closed when the file is refused early', () => {
  /** A source of `first`, then many more chunks; `closed.value` turns true when it is closed. */
  function source(first: Buffer, closed: { value: boolean }): AsyncIterable<Uint8Array> {
    return (async function* () {
      try {
        yield first
        for (let i = 0; i < 10_000; i++) yield Buffer.alloc(16 * 1024, 0x41)
      } finally {
        closed.value = true
      }
    })()
  }

  it.each([
    ['an .xlsx signature', Buffer.from('PK\u0003\u0004rest of the archive')],
    ['a PDF signature', Buffer.from('%PDF-1.7\n')],
    [
      'NUL bytes in the first 64 KiB',
      Buffer.concat([csv(`${HEADER}\n\u0000`), Buffer.alloc(70_000, 0x41)]),
    ],
  ])('closes the source after refusing %s', async (_, first) => {
    const closed = { value: false }
    const outcome = await ingestAll(source(first, closed))
    expect(outcome.error?.code).toBe('unsupported-format')
    expect(closed.value).toBe(true)
  })

  it('closes the source after a gzip bomb (through the inflater pipeline)', async () => {
    const closed = { value: false }
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x41), { level: 9 })
    // the bomb again and again (a gzip file may hold many members): more than is ever read
    const members = (async function* () {
      try {
        for (let i = 0; i < 100; i++) yield* chunked(bomb)
      } finally {
        closed.value = true
      }
    })()
    const outcome = await ingestAll(members)
    expect(outcome.error?.code).toBe('compression-ratio')
    expect(outcome.summary.bytesRead).toBeLessThan(10 * bomb.length)
    // closed by the inflater's pipeline as it is torn down, a moment after the error
    await vi.waitFor(() => expect(closed.value).toBe(true))
  })
})
