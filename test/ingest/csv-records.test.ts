import { fc, it as prop } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { readCsvRecords, type CsvItem, type CsvStats } from '../../src/ingest/csv-records.js'

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

/**
 * Joins lines with `breaks` in turn (and after the last line when `finalBreak`). A CR ending an
 * empty line is never followed by an LF break: together they would be one CRLF.
 */
function joinLines(lines: readonly string[], breaks: readonly string[], finalBreak: boolean) {
  let text = lines[0]
  let previous = ''
  const count = finalBreak ? lines.length : lines.length - 1
  for (let i = 1; i <= count; i++) {
    let lineBreak = breaks[(i - 1) % breaks.length]
    if (previous === '\r' && lines[i - 1] === '' && lineBreak.startsWith('\n')) lineBreak = '\r'
    text += lineBreak + (lines[i] ?? '')
    previous = lineBreak
  }
  return text
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
  // one line break, or several taken in turn: files mix them (a CRLF header, then LF rows)
  newlines: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 3 }),
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
    'gives back every written row with the physical line it starts on, in any chunking and any mix of line breaks',
    async ({ newlines, delimiter, columns, rows, sizes, finalBreak }) => {
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
      const text = joinLines(lines, newlines, finalBreak)
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

  it('ends a record with text after a closing quote at that line, even in a multi-line field', async () => {
    // `"12 "BIG` closes the quoted field and text follows: the record ends with its line and the
    // next line is read afresh (itself malformed here). Reading on to the next closing quote
    // instead, as papaparse does, swallows every row up to the next quoted field.
    const text = 'id,addr,x\n1,"12 "BIG" ST\nATL",b\n2,"9 OAK\nATL",c\n3,plain,d\n'
    const result = await split(cut(text, [3]))
    expect(records(result)).toEqual([
      [1, 'id', 'addr', 'x'],
      [2, '!'],
      [3, '!'],
      [4, '2', '9 OAK\nATL', 'c'],
      [6, '3', 'plain', 'd'],
    ])
  })

  it.each([
    [
      'a later quoted field',
      'id,addr,x\n1,"12 BROAD ST"X,a\n2,b,c\n3,d,e\n4,"5 OAK ST",f\n5,g,h\n',
    ],
    ['no later quote', 'id,addr,x\n1,"12 BROAD ST"X,a\n2,b,c\n3,d,e\n4,f,g\n5,g,h'],
  ])(
    'skips only the record with text after a closing quote, with %s, in any chunking',
    async (_, text) => {
      for (const size of [1, 2, 5, 64]) {
        const result = await split(cut(text, [size]))
        expect(result.error).toBeUndefined()
        expect(records(result).map((r) => r.slice(0, 2))).toEqual([
          [1, 'id'],
          [2, '!'],
          [3, '2'],
          [4, '3'],
          [5, '4'],
          [6, '5'],
        ])
      }
    },
  )

  it('ends records at CRLF, LF and CR mixed in one file, keeping breaks inside quotes as written', async () => {
    const text = 'a,b\r\n1,2\n3,"x"\r\n4,"y\r\nz"\r5,"6\r7"\n\r\n8,"9\n"\r'
    for (const size of [1, 2, 3, 64]) {
      const result = await split(cut(text, [size]))
      expect(records(result)).toEqual([
        [1, 'a', 'b'],
        [2, '1', '2'],
        [3, '3', 'x'],
        [4, '4', 'y\r\nz'],
        [6, '5', '6\r7'],
        [9, '8', '9\n'],
      ])
    }
  })

  it.each([
    ['a CRLF header, then LF rows', 'id,x,y\r\n1,a,b\n2,c,d\n3,e,f\n'],
    [
      'an LF header, then CRLF rows with a quoted last field',
      'id,x,y\n1,a,"b"\r\n2,c,"d"\r\n3,e,f\r\n',
    ],
  ])('reads %s', async (_, text) => {
    const result = await split([text])
    expect(records(result)).toEqual([
      [1, 'id', 'x', 'y'],
      [2, '1', 'a', 'b'],
      [3, '2', 'c', 'd'],
      [4, '3', 'e', 'f'],
    ])
  })

  it('sniffs the delimiter from the first non-blank line and skips the blank lines before it', async () => {
    const stats: CsvStats = { delimiter: null }
    const items: CsvItem[] = []
    const text = (async function* () {
      yield* cut('\n \r\n\tid;cat;date,time\n1;a;b,c\n', [1])
    })()
    for await (const batch of readCsvRecords(text, stats, 1 << 20)) items.push(...batch)
    expect(stats.delimiter).toBe(';')
    expect(records({ items, error: undefined })).toEqual([
      [3, '\tid', 'cat', 'date,time'],
      [4, '1', 'a', 'b,c'],
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
