import { Readable, pipeline } from 'node:stream'
import { CsvError, Parser, type Info } from 'csv-parse'
import { IngestFileError } from './errors.js'

/** One CSV record with the physical line it starts on (line 1 is the header). */
export type CsvItem =
  | { readonly kind: 'record'; readonly fields: string[]; readonly line: number }
  | { readonly kind: 'malformed'; readonly line: number; readonly message: string }

/** The candidate delimiters, in tie-break order. */
export const DELIMITERS = [',', ';', '\t', '|'] as const
export type Delimiter = (typeof DELIMITERS)[number]

export interface CsvStats {
  delimiter: Delimiter | null
}

/**
 * Splits text into CSV records with csv-parse, streaming. The delimiter is sniffed from the first
 * line. Quoted fields may span lines. A quote inside an unquoted field skips just that record
 * ('malformed'); an unclosed quote at the end or a record over `maxRecordChars` stop the file.
 */
export async function* readCsvRecords(
  text: AsyncIterable<string>,
  stats: CsvStats,
  maxRecordChars: number,
): AsyncGenerator<CsvItem> {
  const head = await readFirstLine(text, maxRecordChars)
  if (head.text.trim() === '') return
  const delimiter = sniffDelimiter(head.firstLine)
  stats.delimiter = delimiter
  const parser = new Parser({
    delimiter,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: maxRecordChars,
  })
  const lines = new LineTracker()
  const pending: CsvItem[] = []
  // a fatal parser error, noted when csv-parse reports it and raised once the records before it are out
  let fatal: { readonly code: string; readonly parserLine: number } | undefined
  parser.on('skip', (err: CsvError | undefined) => {
    if (!err || fatal) return
    const parserLine = Number(err.lines ?? 0)
    if (err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_MAX_RECORD_SIZE') {
      fatal = { code: err.code, parserLine }
      return
    }
    const line = lines.fromParserLine(parserLine)
    if (pending.at(-1)?.line !== line)
      pending.push({ kind: 'malformed', line, message: err.message })
  })
  const fatalError = (): IngestFileError => {
    if (fatal?.code === 'CSV_MAX_RECORD_SIZE') {
      const line = lines.fromParserLine(fatal.parserLine)
      return new IngestFileError(
        'record-too-large',
        `the record on line ${line} is longer than ${maxRecordChars} characters (wrong delimiter or a runaway field?)`,
        line,
      )
    }
    const opened = lines.nextStart()
    return new IngestFileError(
      'unclosed-quote',
      `a quoted field opened on line ${opened} is never closed; everything after it would be one field`,
      opened,
    )
  }
  pipeline(Readable.from(head.all), parser, () => {})
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      // records csv-parse emits after skipping an oversized one are out of step: stop there
      if (fatal && item.info.lines >= fatal.parserLine) throw fatalError()
      const line = lines.onRecord(item.record, item.info)
      while (pending.length > 0 && pending[0].line < line) yield pending.shift()!
      yield { kind: 'record', fields: item.record, line }
    }
  } catch (err) {
    if (err instanceof IngestFileError) throw err
    if (err instanceof CsvError) {
      throw new IngestFileError('malformed-csv', err.message, lines.nextStart(), { cause: err })
    }
    throw err
  }
  yield* pending
  if (fatal) throw fatalError()
}

/**
 * Physical line numbers from csv-parse's counters. csv-parse gives the line a record ends on and
 * counts CR and LF inside quotes separately, so a quoted CRLF counts twice; this undoes both.
 */
class LineTracker {
  private shift = 0
  private lastParserLine = 0
  private lastEmpty = 0
  private lastEnd = 0

  onRecord(fields: readonly string[], info: Info): number {
    const emptyDelta = info.empty_lines - this.lastEmpty
    let breakChars = 0
    let crlfPairs = 0
    // a record on one line advances the counter by exactly one (plus skipped empty lines)
    if (info.lines - this.lastParserLine !== 1 + emptyDelta) {
      for (const field of fields) {
        for (let i = 0; i < field.length; i++) {
          const c = field.charCodeAt(i)
          if (c === 13 || c === 10) breakChars++
          if (c === 13 && field.charCodeAt(i + 1) === 10) crlfPairs++
        }
      }
    }
    const start = info.lines - breakChars - this.shift
    this.shift += crlfPairs
    this.lastParserLine = info.lines
    this.lastEmpty = info.empty_lines
    this.lastEnd = info.lines - this.shift
    return start
  }

  fromParserLine(parserLine: number): number {
    return Math.max(1, parserLine - this.shift)
  }

  nextStart(): number {
    return this.lastEnd + 1
  }
}

interface Head {
  readonly text: string
  readonly firstLine: string
  readonly all: AsyncIterable<string>
}

async function readFirstLine(text: AsyncIterable<string>, maxChars: number): Promise<Head> {
  const iterator = text[Symbol.asyncIterator]()
  let buffered = ''
  let end = -1
  while (end === -1 && buffered.length <= maxChars) {
    const next = await iterator.next()
    if (next.done) break
    buffered += next.value
    end = buffered.search(/[\r\n]/)
  }
  const firstLine = end === -1 ? buffered : buffered.slice(0, end)
  async function* all(): AsyncGenerator<string> {
    try {
      if (buffered) yield buffered
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield next.value
      }
    } finally {
      await iterator.return?.()
    }
  }
  return { text: buffered, firstLine, all: all() }
}

/** The most frequent of `,` `;` tab `|` outside quotes in the header line; ',' when none occur. */
export function sniffDelimiter(headerLine: string): Delimiter {
  const counts = new Map<string, number>()
  let quoted = false
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1)
  }
  let best: Delimiter = ','
  for (const candidate of DELIMITERS) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate
  }
  return best
}
