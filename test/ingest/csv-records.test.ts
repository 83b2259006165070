import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { readCsvRecords, type CsvItem } from '../../src/ingest/csv-records.js'

interface Split {
  readonly items: CsvItem[]
  readonly error: { readonly code: string; readonly line: number | null } | undefined
}

/** Runs the CSV stage over `chunks` and collects what it gives. */
async function split(chunks: readonly string[], maxRecordChars = 1 << 20): Promise<Split> {
  const items: CsvItem[] = []
  const text = (async function* () {
    yield* chunks
  })()
  try {
    for await (const batch of readCsvRecords(text, { delimiter: null }, maxRecordChars))
      items.push(...batch)
    return { items, error: undefined }
  } catch (err) {
    return { items, error: err as Split['error'] }
  }
}

/** Cuts text at the given sizes, cycling through them. */
function cut(text: string, sizes: readonly number[]): string[] {
  const chunks: string[] = []
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length]
    chunks.push(text.slice(at, at + size))
    at += size
  }
  return chunks
}

const records = (s: Split) =>
  s.items.map((item) => (item.kind === 'record' ? [item.line, ...item.fields] : [item.line, '!']))

const BREAK = /\r\n|\r|\n/g
const field = fc
  .array(fc.constantFrom('a', 'b c', 'é', '"', ',', ';', '|', '\t', '\n', '\r\n', '\r', ' '), {
    maxLength: 4,
  })
  .map((parts) => parts.join(''))
const table = fc.record({
  newline: fc.constantFrom('\n', '\r\n', '\r'),
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  columns: fc.integer({ min: 2, max: 5 }),
  rows: fc.array(
    fc.oneof(
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 8, arbitrary: fc.array(field, { minLength: 1, maxLength: 6 }) },
    ),
    { maxLength: 25 },
  ),
  sizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
  finalBreak: fc.boolean(),
})

describe('readCsvRecords', () => {
  prop.prop([table], { seed: 7, numRuns: 300 })(
    'gives back every written row with the physical line it starts on, in any chunking',
    async ({ newline, delimiter, columns, rows, sizes, finalBreak }) => {
      const header = Array.from({ length: columns }, (_, i) => `h${i}`)
      const lines = [header.join(delimiter)]
      const expected: unknown[][] = [[1, ...header]]
      let line = 2
      for (const row of rows) {
        // null is an empty line; a row of one empty field would be one too, so it gets a letter
        const fields = row === null ? [] : row.length === 1 && row[0] === '' ? ['z'] : row
        const quote = (f: string) =>
          /["\r\n]/.test(f) || f.includes(delimiter) ? `"${f.replaceAll('"', '""')}"` : f
        lines.push(fields.map(quote).join(delimiter))
        if (fields.length > 0) expected.push([line, ...fields])
        line += 1 + fields.reduce((n, f) => n + (f.match(BREAK)?.length ?? 0), 0)
      }
      const text = lines.join(newline) + (finalBreak ? newline : '')
      const result = await split(cut(text, sizes))
      expect(result.error).toBeUndefined()
      expect(records(result)).toEqual(expected)
    },
  )

  it('skips a record with a quote inside an unquoted field and reads on', async () => {
    const result = await split(['id,addr,x\n1,12 "MAIN" ST,a\n2,"ok",b\n'])
    expect(records(result)).toEqual([
      [1, 'id', 'addr', 'x'],
      [2, '!'],
      [3, '2', 'ok', 'b'],
    ])
    expect(result.items[1]).toMatchObject({ message: expect.stringContaining('unquoted field') })
  })

  it('skips a record with text after a closing quote, spaces included, and reads on', async () => {
    const result = await split(['id,addr,x\n1,"12 MAIN"  ,a\n2,"3 ""B"" ST\nATL",b\n3,c,d\n'])
    expect(records(result)).toEqual([
      [1, 'id', 'addr', 'x'],
      [2, '!'],
      [3, '2', '3 "B" ST\nATL', 'b'],
      [5, '3', 'c', 'd'],
    ])
  })

  it('takes an unescaped quote in a multi-line address as one malformed record', async () => {
    const text = 'id,addr,x\n1,"12 "BIG" ST\nATL",b\n2,"9 OAK\nATL",c\n3,plain,d\n'
    const result = await split(cut(text, [3]))
    expect(records(result)).toEqual([
      [1, 'id', 'addr', 'x'],
      [2, '!'],
      [4, '2', '9 OAK\nATL', 'c'],
      [6, '3', 'plain', 'd'],
    ])
  })

  it('stops at an unclosed quote with the line it opened on, after the records before it', async () => {
    const result = await split(cut('a,b\n1,2\n3,"x\n\n4,5\n', [4]))
    expect(records(result)).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
    ])
    expect(result.error).toMatchObject({ code: 'unclosed-quote', line: 3 })
  })

  it('tells CRLF from CR when the header line break is split across chunks', async () => {
    const result = await split(['a,b\r', '\n1,"2\r\n3"\r\n4,5\r\n'])
    expect(records(result)).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2\r\n3'],
      [4, '4', '5'],
    ])
  })

  it('refuses an oversized record at its line once its line break arrives', async () => {
    const long = 'x'.repeat(50)
    const result = await split(cut(`a,b\n1,2\n3,${long}\n4,5\n`, [8]), 20)
    expect(records(result)).toEqual([
      [1, 'a', 'b'],
      [2, '1', '2'],
    ])
    expect(result.error).toMatchObject({ code: 'record-too-large', line: 3 })
  })

  it('gives nothing for blank text', async () => {
    expect(await split([' \r\n', '\n'])).toEqual({ items: [], error: undefined })
  })
})
