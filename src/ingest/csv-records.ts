import { RecordSplitter, type CsvItem, type Newline } from './record-splitter.js'

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
 * await in it). The delimiter and the line break are sniffed from the first line. Quoted fields
 * may span lines. A quote inside an unquoted field skips just that record ('malformed'); an
 * unclosed quote or a record over `maxRecordChars` stop the file after the records before it.
 */
export async function* readCsvRecords(
  text: AsyncIterable<string>,
  stats: CsvStats,
  maxRecordChars: number,
): AsyncGenerator<CsvItem[]> {
  const head = await readFirstLine(text, maxRecordChars)
  if (head.text.trim() === '') return
  stats.delimiter = sniffDelimiter(head.firstLine)
  const splitter = new RecordSplitter(stats.delimiter, head.newline, maxRecordChars)
  for await (const chunk of head.all) {
    const items = splitter.push(chunk)
    if (items.length > 0) yield items
    if (splitter.failure) throw splitter.failure
  }
  const rest = splitter.end()
  if (rest.length > 0) yield rest
  if (splitter.failure) throw splitter.failure
}

interface Head {
  readonly text: string
  readonly firstLine: string
  readonly newline: Newline
  readonly all: AsyncIterable<string>
}

/** Reads up to the first line break and the character after it (to tell CR from CRLF). */
async function readFirstLine(text: AsyncIterable<string>, maxChars: number): Promise<Head> {
  const iterator = text[Symbol.asyncIterator]()
  let buffered = ''
  let end = -1
  while ((end === -1 || end + 1 >= buffered.length) && buffered.length <= maxChars) {
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
  return { text: buffered, firstLine, newline: newlineAt(buffered, end), all: all() }
}

function newlineAt(text: string, at: number): Newline {
  if (at === -1 || text[at] === '\n') return '\n'
  return text[at + 1] === '\n' ? '\r\n' : '\r'
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
