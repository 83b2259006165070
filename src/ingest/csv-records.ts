import { Readable, pipeline } from 'node:stream'
import { CsvError, Parser, type Info } from 'csv-parse'
import { IngestFileError } from './errors.js'

/** One CSV record with the physical line it starts on (line 1 is the header). */
export type CsvItem =
  | { readonly kind: 'record'; readonly fields: string[]; readonly line: number }
  | { readonly kind: 'malformed'; readonly line: number; readonly message: string }

/** The candidate delimiters, in tie-break order. */
export const DELIMITERS = [',', ';', '\t', '|'] as const
/** One of DELIMITERS. */
export type Delimiter = (typeof DELIMITERS)[number]

/** What the CSV stage found; read after iteration. */
export interface CsvStats {
  delimiter: Delimiter | null
}

type Parsed = { readonly record: string[]; readonly info: Info }

/**
 * Splits text into CSV records with csv-parse, streaming, in chunks (everything csv-parse has
 * ready at once, so the per-row cost has no await in it). The delimiter is sniffed from the first
 * line. Quoted fields may span lines. A quote inside an unquoted field skips just that record
 * ('malformed'); an unclosed quote at the end or a record over `maxRecordChars` stop the file.
 */
export async function* readCsvRecords(
  text: AsyncIterable<string>,
  stats: CsvStats,
  maxRecordChars: number,
): AsyncGenerator<CsvItem[]> {
  const head = await readFirstLine(text, maxRecordChars)
  if (head.text.trim() === '') return
  stats.delimiter = sniffDelimiter(head.firstLine)
  const parser = new Parser({
    delimiter: stats.delimiter,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: maxRecordChars,
  })
  const problems = new ParserProblems(maxRecordChars)
  parser.on('skip', (err: CsvError | undefined) => problems.onSkip(err))
  pipeline(Readable.from(head.all), parser, () => {})
  try {
    for await (const parsed of readyRecords(parser)) {
      const items: CsvItem[] = []
      for (const { record, info } of parsed) {
        // records csv-parse emits after skipping an oversized one are out of step: stop there
        if (problems.stopsBefore(info.lines)) throw problems.fatalError()
        const line = problems.lines.onRecord(record, info)
        problems.takeMalformedBefore(line, items)
        items.push({ kind: 'record', fields: record, line })
      }
      yield items
    }
  } catch (err) {
    if (err instanceof IngestFileError) throw err
    if (err instanceof CsvError) {
      throw new IngestFileError('malformed-csv', err.message, problems.lines.nextStart(), {
        cause: err,
      })
    }
    throw err
  }
  const rest: CsvItem[] = []
  problems.takeMalformedBefore(Infinity, rest)
  if (rest.length > 0) yield rest
  if (problems.fatal) throw problems.fatalError()
}

/** Everything the parser has buffered, as one array per wake-up; ends with the stream. */
async function* readyRecords(parser: Parser): AsyncGenerator<Parsed[]> {
  let wake: (() => void) | undefined
  let ended = false
  let failure: Error | undefined
  const resume = () => wake?.()
  parser.on('readable', resume)
  parser.on('end', () => {
    ended = true
    resume()
  })
  parser.on('error', (err: Error) => {
    failure = err
    resume()
  })
  try {
    for (;;) {
      const ready: Parsed[] = []
      for (let item = parser.read(); item !== null; item = parser.read()) ready.push(item)
      if (ready.length > 0) {
        yield ready
        continue
      }
      if (failure) throw failure
      if (ended) return
      await new Promise<void>((resolve) => (wake = resolve))
      wake = undefined
    }
  } finally {
    parser.destroy()
  }
}

/**
 * What csv-parse reports through its 'skip' event: per-record problems (kept as 'malformed'
 * items, emitted in line order) and the two that end the file, raised once the records before
 * them are out.
 */
class ParserProblems {
  readonly lines = new LineTracker()
  fatal: { readonly code: string; readonly parserLine: number } | undefined
  private readonly malformed: CsvItem[] = []

  constructor(private readonly maxRecordChars: number) {}

  onSkip(err: CsvError | undefined): void {
    if (!err || this.fatal) return
    const parserLine = Number(err.lines ?? 0)
    if (err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_MAX_RECORD_SIZE') {
      this.fatal = { code: err.code, parserLine }
      return
    }
    const line = this.lines.fromParserLine(parserLine)
    // csv-parse reports each stray quote of a record; one reject per record is enough
    if (this.malformed.at(-1)?.line !== line) {
      this.malformed.push({ kind: 'malformed', line, message: err.message })
    }
  }

  stopsBefore(parserLine: number): boolean {
    return this.fatal !== undefined && parserLine >= this.fatal.parserLine
  }

  takeMalformedBefore(line: number, into: CsvItem[]): void {
    while (this.malformed.length > 0 && this.malformed[0].line < line)
      into.push(this.malformed.shift()!)
  }

  fatalError(): IngestFileError {
    if (this.fatal?.code === 'CSV_MAX_RECORD_SIZE') {
      const line = this.lines.fromParserLine(this.fatal.parserLine)
      return new IngestFileError(
        'record-too-large',
        `the record on line ${line} is longer than ${this.maxRecordChars} characters (wrong delimiter or a runaway field?)`,
        line,
      )
    }
    const opened = this.lines.nextStart()
    return new IngestFileError(
      'unclosed-quote',
      `a quoted field opened on line ${opened} is never closed; everything after it would be one field`,
      opened,
    )
  }
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
