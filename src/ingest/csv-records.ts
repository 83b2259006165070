import { RecordSplitter, type CsvItem } from './record-splitter.js'

export type { CsvItem } from './record-splitter.js'

/** The candidate delimiters, in tie-break order. */
export const DELIMITERS = [',', ';', '\t', '|'] as const
/** One of DELIMITERS. */
export type Delimiter = (typeof DELIMITERS)[number]

/** What the CSV stage found; read after iteration. */
export interface CsvStats {
  delimiter: Delimiter | null
}

/**
 * Splits text into CSV records, streaming, one array per text chunk (so the per-row cost has no
 * await in it). Blank lines (empty or white space only) before the header are skipped, and the
 * delimiter is sniffed from the header's line. CRLF, LF and CR each end a line, mixed as they
 * come. Quoted fields may span lines. A bad quote skips just that record ('malformed'); an
 * unclosed quote or a record over `maxRecordChars` stop the file after the records before it.
 */
export async function* readCsvRecords(
  text: AsyncIterable<string>,
  stats: CsvStats,
  maxRecordChars: number,
): AsyncGenerator<CsvItem[]> {
  const head = await readHead(text, maxRecordChars)
  if (head.headerLine === undefined) return
  stats.delimiter = sniffDelimiter(head.headerLine)
  const splitter = new RecordSplitter(stats.delimiter, maxRecordChars)
  let beforeHeader = true
  const take = (items: CsvItem[]): CsvItem[] => {
    if (!beforeHeader) return items
    const header = items.findIndex((item) => !isBlankLine(item))
    beforeHeader = header === -1
    return beforeHeader ? [] : items.slice(header)
  }
  for await (const chunk of head.all) {
    const items = take(splitter.push(chunk))
    if (items.length > 0) yield items
    if (splitter.failure) throw splitter.failure
  }
  const rest = take(splitter.end())
  if (rest.length > 0) yield rest
  if (splitter.failure) throw splitter.failure
}

interface Head {
  /** The header's line: the first one with more than white space; undefined for blank text. */
  readonly headerLine: string | undefined
  readonly all: AsyncIterable<string>
}

/** Reads until the first non-blank line has ended (or the text has, or `maxChars` are read). */
async function readHead(text: AsyncIterable<string>, maxChars: number): Promise<Head> {
  const iterator = text[Symbol.asyncIterator]()
  let buffered = ''
  let done = false
  let headerLine: string | undefined
  while (headerLine === undefined && !done && buffered.length <= maxChars) {
    const next = await iterator.next()
    if (next.done) done = true
    else buffered += next.value
    headerLine = firstNonBlankLine(buffered, done || buffered.length > maxChars)
  }
  // past maxChars of white space: the splitter will tell
  if (headerLine === undefined && !done) headerLine = ''
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
  return { headerLine, all: all() }
}

/** The first line of `text` with more than white space, once its line break is read (or `ended`). */
function firstNonBlankLine(text: string, ended: boolean): string | undefined {
  const at = text.search(/\S/)
  if (at === -1) return undefined
  const from = Math.max(text.lastIndexOf('\n', at), text.lastIndexOf('\r', at)) + 1
  const length = text.slice(at).search(/[\r\n]/)
  if (length === -1) return ended ? text.slice(from) : undefined
  return text.slice(from, at + length)
}

/** A line of white space only (empty lines never become records). */
function isBlankLine(item: CsvItem): boolean {
  return item.kind === 'record' && item.fields.length === 1 && item.fields[0].trim() === ''
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
