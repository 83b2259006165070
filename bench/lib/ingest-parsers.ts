import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { gunzipSync } from 'node:zlib'
import { Parser } from 'csv-parse'
import Papa from 'papaparse'
import { readCsvRecords, sniffDelimiter } from '../../src/ingest/csv-records.js'
import { DEFAULT_LIMITS } from '../../src/ingest/index.js'

/** Called once per record with its fields, in file order. */
type OnRecord = (fields: string[]) => void

/** One way to split text into records: a parser's Node stream, or the ingest's own stage. */
interface ParserCandidate {
  readonly name: string
  /** Streams `chunks` through; resolves after the last record, rejects with the parser's error. */
  readonly parse: (
    chunks: readonly string[],
    delimiter: string,
    onRecord: OnRecord,
  ) => Promise<void>
}

const MAX_RECORD_CHARS = DEFAULT_LIMITS.maxRecordChars

async function drive<Row>(
  chunks: readonly string[],
  stream: NodeJS.ReadWriteStream,
  onRow: (row: Row) => void,
): Promise<void> {
  const source = Readable.from(chunks, { objectMode: false })
  source.on('error', (err) => stream.emit('error', err))
  stream.on('data', onRow)
  source.pipe(stream as unknown as NodeJS.WritableStream)
  await finished(stream as unknown as NodeJS.ReadableStream)
}

/**
 * csv-parse (the peer) and papaparse through their stream APIs, then the ingest's own stage.
 * csv-parser and @fast-csv/parse were compared too, up to commit 03529c0 (bench/RESULTS.md).
 */
const CANDIDATES: readonly ParserCandidate[] = [
  {
    name: 'csv-parse',
    parse: (chunks, delimiter, onRecord) =>
      drive(
        chunks,
        new Parser({
          delimiter,
          relax_column_count: true,
          skip_empty_lines: true,
          max_record_size: MAX_RECORD_CHARS,
        }),
        onRecord,
      ),
  },
  {
    name: 'papaparse',
    parse: (chunks, delimiter, onRecord) =>
      drive(
        chunks,
        Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter, skipEmptyLines: true }),
        onRecord,
      ),
  },
  {
    name: 'ingest stage (papaparse Parser + lines + quote checks)',
    parse: async (chunks, _delimiter, onRecord) => {
      const text = (async function* () {
        yield* chunks
      })()
      for await (const items of readCsvRecords(text, { delimiter: null }, MAX_RECORD_CHARS)) {
        for (const item of items) if (item.kind === 'record') onRecord(item.fields)
      }
    },
  },
]

/** Splits text into chunks of `size` characters, as the decoder hands them on. */
function chunkText(text: string, size: number): string[] {
  const chunks: string[] = []
  for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size))
  return chunks
}

async function collect(
  candidate: ParserCandidate,
  chunks: readonly string[],
  delimiter: string,
): Promise<{ records: string[][]; error: string | undefined }> {
  const records: string[][] = []
  try {
    await candidate.parse(chunks, delimiter, (fields) => records.push(fields))
    return { records, error: undefined }
  } catch (err) {
    return { records, error: (err as Error).message.split('\n')[0] }
  }
}

function sameRecords(a: readonly string[][], b: readonly string[][]): boolean {
  return a.length === b.length && a.every((x, i) => x.join('\u0000') === b[i].join('\u0000'))
}

/** A named text: a real export, decoded once (BOM dropped, as the ingest's decoder does). */
export interface BenchText {
  readonly name: string
  readonly text: string
}

/** Decodes gzip'd UTF-8 CSVs into memory; several files in one text when `concat` names it. */
export function loadTexts(files: readonly string[], concat?: string): BenchText[] {
  const texts = files.map((file) => ({
    name: file.split('/').at(-1)!.replace('.csv.gz', ''),
    text: gunzipSync(readFileSync(file))
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
  }))
  if (!concat) return texts
  const [first, ...rest] = texts
  const bodies = rest.map((t) => t.text.slice(t.text.search(/\r?\n/)).replace(/^\r?\n/, ''))
  return [{ name: concat, text: [first.text, ...bodies].join('') }]
}

/**
 * Records per second of each parser on each text, 64 KiB chunks, one warm-up round then the best
 * of 3; "same" says whether the records equal csv-parse's field for field.
 */
export async function parserSpeedTable(texts: readonly BenchText[]): Promise<string> {
  const rows: string[] = []
  const best = new Map<string, number>()
  const same = new Map<string, boolean>()
  for (const { name, text } of texts) {
    const chunks = chunkText(text, 1 << 16)
    const delimiter = sniffDelimiter(text.slice(0, text.search(/[\r\n]/)))
    const peer = await collect(CANDIDATES[0], chunks, delimiter)
    for (const c of CANDIDATES) {
      const got = await collect(c, chunks, delimiter)
      same.set(
        `${name}/${c.name}`,
        got.error === undefined && sameRecords(peer.records, got.records),
      )
    }
    for (let round = 0; round < 4; round++) {
      for (const c of CANDIDATES) {
        const t0 = performance.now()
        await c.parse(chunks, delimiter, () => {})
        const ms = performance.now() - t0
        const key = `${name}/${c.name}`
        if (round > 0 && ms < (best.get(key) ?? Infinity)) best.set(key, ms)
      }
    }
    const peerMs = best.get(`${name}/${CANDIDATES[0].name}`)!
    const cells = CANDIDATES.map((c) => {
      const ms = best.get(`${name}/${c.name}`)!
      const ok = same.get(`${name}/${c.name}`) ? '' : ' (differs)'
      return `${Math.round(peer.records.length / ms)}k, ${(peerMs / ms).toFixed(2)}×${ok}`
    })
    rows.push(`| ${name} | ${peer.records.length} | ${cells.join(' | ')} |`)
  }
  return [
    `| text | records | ${CANDIDATES.map((c) => c.name).join(' | ')} |`,
    `|---|---:|${CANDIDATES.map(() => '---:|').join('')}`,
    ...rows,
  ].join('\n')
}

const PROBES = [
  'unclosed-quote-at-eof.csv',
  'quote-inside-unquoted-field.csv',
  'garbage-after-closing-quote.csv',
  'cr-only-line-endings.csv',
  'ragged-rows.csv',
] as const

/**
 * The parsers on the bad-file corpus (its text files, in 64 KiB and in 5-character chunks):
 * how many files give csv-parse's records (and fail where it fails) in both chunkings, and what
 * each gives on the telling files (5-character chunks) and on a 2 MB field.
 */
export async function parserBehaviourTable(corpus: string): Promise<string> {
  const parsers = CANDIDATES.slice(0, -1)
  const files = readdirSync(corpus).filter((f) => !/utf16|\.gz$|xlsx|nul-bytes|README/.test(f))
  const identical = new Map(parsers.map((c) => [c.name, 0]))
  const outcomes = new Map<string, string>()
  for (const file of files) {
    const text = readFileSync(join(corpus, file), 'latin1').replace(/^\u00ef\u00bb\u00bf/, '')
    const delimiter = sniffDelimiter(text.slice(0, Math.max(0, text.search(/[\r\n]/))))
    const same = new Map(parsers.map((c) => [c.name, true]))
    for (const size of [1 << 16, 5]) {
      const chunks = chunkText(text, size)
      const peer = await collect(parsers[0], chunks, delimiter)
      for (const c of parsers) {
        const got = await collect(c, chunks, delimiter)
        const agrees = sameRecords(peer.records, got.records) && !peer.error === !got.error
        if (!agrees) same.set(c.name, false)
        if (size === 5) outcomes.set(`${file}/${c.name}`, describe(got))
      }
    }
    for (const c of parsers) if (same.get(c.name)) identical.set(c.name, identical.get(c.name)! + 1)
  }
  const big = chunkText(`a,b\n1,${'x'.repeat(2 << 20)}\n2,y\n`, 1 << 16)
  for (const c of parsers)
    outcomes.set(`2 MB field/${c.name}`, describe(await collect(c, big, ',')))
  const row = (label: string, cell: (name: string) => string) =>
    `| ${label} | ${parsers.map((c) => cell(c.name)).join(' | ')} |`
  return [
    row('', (name) => name),
    `|---|${parsers.map(() => '---|').join('')}`,
    row(`corpus files as csv-parse (of ${files.length})`, (name) => String(identical.get(name))),
    ...[...PROBES, '2 MB field'].map((p) => row(p, (name) => outcomes.get(`${p}/${name}`)!)),
  ].join('\n')
}

function describe(outcome: { records: string[][]; error: string | undefined }): string {
  const error = outcome.error ? `error "${outcome.error.slice(0, 32)}…"` : 'no error'
  return `${outcome.records.length} records, ${error}`
}
