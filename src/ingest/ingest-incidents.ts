import { createByteStats, readBytes, type ByteStats } from './bytes.js'
import { makeReject } from './cells.js'
import { readCsvRecords, type CsvItem, type CsvStats } from './csv-records.js'
import { DuplicateFilter } from './duplicates.js'
import { IngestFileError } from './errors.js'
import { assertColumnsPresent, indexHeader } from './header.js'
import { GENERIC, detectProfile, findProfile, listProfiles } from './profiles/index.js'
import { compileRowReader, type RowOutcome } from './row-reader.js'
import { resolveSettings, type Settings } from './settings.js'
import { SummaryCounter } from './summary.js'
import { createTextStats, decodeText, type TextStats } from './text-decode.js'
import type {
  FileError,
  Incident,
  IngestBatch,
  IngestInput,
  IngestOptions,
  IngestSummary,
  Reject,
} from './types.js'

/** A streaming import: iterate it for batches, then read its summary. */
export interface IngestRun extends AsyncIterable<IngestBatch> {
  /**
   * The outcome, once iteration has ended: 'complete' after the last batch, 'failed' when an
   * IngestFileError (or an input error) ended it, 'stopped' when the consumer broke off early.
   * @throws when called before iteration has ended.
   */
  summary(): IngestSummary
}

/**
 * Reads an incident CSV (plain or gzip) as a stream and yields batches of accepted incidents and
 * row rejects. Nothing is buffered beyond one batch: a slow consumer pauses the reading.
 *
 * A file-level problem (empty file, unknown header, unclosed quote, gzip bomb, too many rows…)
 * ends iteration by throwing an IngestFileError after the batches already yielded: the consumer
 * must then discard them (roll back). Misuse (bad options) throws here, synchronously.
 */
export function ingestIncidents(input: IngestInput, options: IngestOptions): IngestRun {
  const settings = resolveSettings(options)
  let result: IngestSummary | undefined
  let started = false
  return {
    [Symbol.asyncIterator]() {
      if (started)
        throw new Error('an ingest run can be iterated once - call ingestIncidents again')
      started = true
      return runBatches(input, settings, (summary) => {
        result = summary
      })[Symbol.asyncIterator]()
    },
    summary() {
      if (!result)
        throw new Error('the summary is ready once iteration has ended - iterate the run first')
      return result
    },
  }
}

interface FileSetup {
  /** The header's physical line (blank lines before it are skipped). */
  readonly headerLine: number
  readonly readRow: (fields: string[], line: number) => RowOutcome
  readonly profile: string
  readonly timezone: string
  readonly reportDateNote: string
}

async function* runBatches(
  input: IngestInput,
  settings: Settings,
  done: (summary: IngestSummary) => void,
): AsyncGenerator<IngestBatch> {
  const bytes = createByteStats()
  const text = createTextStats()
  const csv: CsvStats = { delimiter: null }
  const counter = new SummaryCounter()
  const seen = new DuplicateFilter()
  let setup: FileSetup | undefined
  let fileError: FileError | null = null
  let finished = false
  try {
    const records = readCsvRecords(
      decodeText(readBytes(input, bytes, settings.limits), text),
      csv,
      settings.limits.maxRecordChars,
    )
    let incidents: Incident[] = []
    let rejects: Reject[] = []
    for await (const items of records) {
      for (const item of items) {
        if (setup === undefined) {
          setup = setUpFile(headerFields(item), item.line, settings)
          continue
        }
        if (++counter.rowsRead > settings.limits.maxRows) {
          throw new IngestFileError(
            'too-many-rows',
            `the file has more than ${settings.limits.maxRows} data rows; split it or raise the limit`,
            item.line,
          )
        }
        takeRow(item, setup, counter, seen, incidents, rejects)
        if (incidents.length + rejects.length >= settings.batchSize) {
          yield { incidents, rejects }
          incidents = []
          rejects = []
        }
      }
    }
    if (setup === undefined)
      throw new IngestFileError('empty-file', 'the file is empty: no header, no rows')
    if (counter.rowsRead === 0) {
      throw new IngestFileError(
        'header-only',
        'the file has a header but no data rows',
        setup.headerLine,
      )
    }
    if (incidents.length + rejects.length > 0) yield { incidents, rejects }
    finished = true
  } catch (err) {
    fileError =
      err instanceof IngestFileError
        ? err.toFileError()
        : { code: 'internal-error', message: String((err as Error)?.message ?? err), line: null }
    throw err
  } finally {
    done(buildSummary(counter, settings, setup, fileError, finished, bytes, text, csv))
  }
}

/** Reads one data row into the batch (incident or reject) or counts it as a duplicate. */
function takeRow(
  item: CsvItem,
  setup: FileSetup,
  counter: SummaryCounter,
  seen: DuplicateFilter,
  incidents: Incident[],
  rejects: Reject[],
): void {
  if (item.kind === 'malformed') {
    counter.onRejected('row.malformed')
    rejects.push(makeReject(item.line, null, '', 'row.malformed', item.message))
    return
  }
  const outcome = setup.readRow(item.fields, item.line)
  if (outcome.kind === 'rejected') {
    counter.onRejected(outcome.reject.rule)
    rejects.push(outcome.reject)
  } else if (isDuplicate(seen, outcome.incident)) {
    counter.onDuplicate()
  } else {
    counter.onAccepted(outcome)
    incidents.push(outcome.incident)
  }
}

function headerFields(item: CsvItem): string[] {
  if (item.kind === 'malformed') {
    throw new IngestFileError(
      'malformed-csv',
      `the header is not valid CSV: ${item.message}`,
      item.line,
    )
  }
  if (item.fields.some((field) => field.includes('\u0000'))) {
    // only reachable past the 64 KiB the decoder checks (blank lines first), or in UTF-16
    throw new IngestFileError(
      'unsupported-format',
      'the header contains NUL bytes: it is not a text CSV',
      item.line,
    )
  }
  return item.fields
}

function isDuplicate(seen: DuplicateFilter, incident: Incident): boolean {
  if (incident.sourceId === null) return false
  return seen.seenBefore(incident.sourceId, incident.offenceCode ?? incident.localCategory)
}

function setUpFile(header: string[], headerLine: number, settings: Settings): FileSetup {
  const index = indexHeader(header, settings.limits.maxColumns, headerLine)
  const named = settings.profile === GENERIC ? undefined : findProfile(settings.profile)
  const profile = settings.profile === 'auto' ? detectProfile(header) : named
  if (!profile && settings.profile !== GENERIC && !settings.mapping) {
    const shown = header
      .slice(0, 8)
      .map((h) => `"${h.trim()}"`)
      .join(', ')
    throw new IngestFileError(
      'unknown-profile',
      `no profile matches the header (${shown}${header.length > 8 ? ', …' : ''}); name a profile (${listProfiles()
        .map((p) => p.name)
        .join(', ')}) or upload a generic column mapping`,
      headerLine,
    )
  }
  const name = profile?.name ?? GENERIC
  const mapping = profile?.mapping ?? settings.mapping!
  assertColumnsPresent(mapping, index, name, headerLine)
  // resolveSettings demands a timezone whenever a mapping is given
  const timezone = settings.timezone ?? profile?.timezone ?? 'UTC'
  const readRow = compileRowReader({
    profile: name,
    mapping,
    headerIndex: index,
    header,
    headerLength: header.length,
    timezone,
    categoryMap: { ...profile?.categoryMap, ...settings.categoryMap },
    codeMap: profile?.codeMap,
    now: settings.now,
    floorMs: settings.floorMs,
    area: settings.area,
    snap: settings.snap,
  })
  return {
    headerLine,
    readRow,
    profile: name,
    timezone,
    reportDateNote:
      profile?.reportDateNote ??
      (mapping.reportedAt
        ? 'Mapped report-date column.'
        : 'No report date: reportedAtMs is null (use occurredToMs).'),
  }
}

function buildSummary(
  counter: SummaryCounter,
  settings: Settings,
  setup: FileSetup | undefined,
  fileError: FileError | null,
  finished: boolean,
  bytes: ByteStats,
  text: TextStats,
  csv: CsvStats,
): IngestSummary {
  const summary = counter.build(
    {
      fileError,
      profile: setup?.profile ?? null,
      timezone: setup?.timezone ?? null,
      encoding: text.encoding,
      bom: text.bom,
      delimiter: csv.delimiter,
      compressed: bytes.compressed,
      contentSha256: bytes.sha256,
      bytesRead: bytes.bytesRead,
      textBytes: bytes.textBytes,
      decodeReplacements: text.replacements,
      reportDateNote: setup?.reportDateNote ?? null,
    },
    settings.snap !== undefined,
    settings.area !== undefined,
  )
  return fileError || finished ? summary : { ...summary, status: 'stopped' }
}
