import Papa from 'papaparse'
import { IngestFileError } from './errors.js'

/** One CSV record with the physical line it starts on (line 1 is the first line of the text). */
export type CsvItem =
  | { readonly kind: 'record'; readonly fields: string[]; readonly line: number }
  | { readonly kind: 'malformed'; readonly line: number; readonly message: string }

const LF = '\n'
const CR = '\r'
const QUOTE = '"'
const LF_CODE = 10
const CR_CODE = 13
const QUOTE_CODE = 34
/** A CR not followed by LF: an old-Mac line break, made LF before papaparse sees the text. */
const LONE_CR = /\r(?!\n)/g
const HAS_LONE_CR = /\r(?!\n)/

type QuoteProblem = 'opening' | 'closing'

const QUOTE_PROBLEMS: Readonly<Record<QuoteProblem, string>> = {
  opening: 'a quote inside an unquoted field; quote the whole field and double the quotes in it',
  closing: 'text after a closing quote; double the quotes inside a quoted field',
}

/** What papaparse's Parser hands its step callback: one row, its quote errors, where it ends. */
interface StepResult {
  readonly data: string[][]
  readonly errors: ReadonlyArray<{ readonly code: string }>
  readonly meta: { readonly cursor: number }
}

/** The quotes of one row as csv-parse read them. */
interface QuoteCheck {
  /** The first quote problem, if any. */
  readonly problem: QuoteProblem | undefined
  /**
   * A closing quote followed by text papaparse does not take as the end of the field: it then
   * reads on to the next quote, possibly many lines on. -1 when there is none.
   */
  readonly readPast: number
}

const NO_QUOTE_PROBLEM: QuoteCheck = { problem: undefined, readPast: -1 }

/**
 * Splits decoded text into CSV records, chunk by chunk, with papaparse's core parser (an
 * indexOf-driven splitter: this stage runs 5–8× csv-parse on the COBRA and VPD files,
 * bench/RESULTS.md, Ingest). Its Node stream is not used: it drops the parser's quote errors and
 * guesses the line break from the first chunk.
 * It keeps the rules csv-parse gave the ingest: physical start lines (CRLF, LF and CR each end
 * one line, inside quotes too, mixed in one file as they come), empty lines skipped, a quote
 * inside an unquoted field or text after a closing quote skips just that record ('malformed'),
 * and an unclosed quote or a record over `maxRecordChars` end the file.
 *
 * papaparse is told the line break is LF: a lone CR is rewritten as LF first (chunk by chunk, a
 * CR at a chunk's end waiting for the next), and the CR of a CRLF ending a record is cut from its
 * last field. The rewrite keeps every position, so a record with a lone CR inside a quoted field
 * (rare) is read again from the text as written: field values keep their line breaks as written.
 * A record with text after a closing quote ends at the first line break after that quote, and
 * the text after it is split afresh: papaparse alone would read on to the next quote in the file.
 *
 * `push` and `end` return the records completed so far; once `failure` is set, the file stops
 * after them.
 */
export class RecordSplitter {
  /** Set when the file cannot go on: throw it after the records already returned. */
  failure: IngestFileError | undefined

  private readonly delimiterCode: number
  /** Matches, at a closing quote's next character, what papaparse still takes as its field's end. */
  private readonly fieldEnd: RegExp
  private items: CsvItem[] = []
  private input = ''
  /** `input` as written, when lone CRs were rewritten in it (same positions); else undefined. */
  private raw: string | undefined
  private pending = ''
  private pendingRaw: string | undefined
  private carriedCr = false
  private oversized = false
  private rowStart = 0
  private resumeAt = -1
  private line = 1
  private nextLf = -1
  private nextQuote = -1
  private nextRawCr = -1

  constructor(
    private readonly delimiter: string,
    private readonly maxRecordChars: number,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0)
    this.fieldEnd = new RegExp(`[^\\S\\n]*(?:${escapeRegExp(delimiter)}|\\n)`, 'y')
  }

  /** The records that `chunk` completes; the unfinished last one waits for the next chunk. */
  push(chunk: string): CsvItem[] {
    if (this.failure) return []
    const raw = this.holdLastCr(chunk, true)
    if (this.oversized) {
      // reported at its next line break, so limits on the byte stream (gzip bombs) speak first
      if (/[\r\n]/.test(raw)) this.failure = this.tooLarge()
      return []
    }
    const items = this.parse(raw, true)
    if (!this.failure && this.pending.length > this.maxRecordChars) {
      this.oversized = true
      this.pending = ''
      this.pendingRaw = undefined
    }
    return items
  }

  /** The last records, at the end of the text. */
  end(): CsvItem[] {
    const raw = this.holdLastCr('', false)
    if (this.oversized && !this.failure) this.failure = this.tooLarge()
    return this.failure ? [] : this.parse(raw, false)
  }

  /** `chunk` after the CR held back from the last one; a CR ending it waits (CRLF or not?). */
  private holdLastCr(chunk: string, more: boolean): string {
    const text = this.carriedCr ? CR + chunk : chunk
    this.carriedCr = more && text.charCodeAt(text.length - 1) === CR_CODE
    return this.carriedCr ? text.slice(0, -1) : text
  }

  /**
   * Splits the pending text and `chunk` (as written); papaparse starts over after each record cut
   * at a bad closing quote.
   */
  private parse(chunk: string, more: boolean): CsvItem[] {
    this.items = []
    const lone = chunk.includes(CR) && HAS_LONE_CR.test(chunk)
    let input = this.pending + (lone ? chunk.replace(LONE_CR, LF) : chunk)
    let raw =
      lone || this.pendingRaw !== undefined ? (this.pendingRaw ?? this.pending) + chunk : undefined
    for (;;) {
      this.start(input, raw)
      const parser = new Papa.Parser({
        delimiter: this.delimiter,
        newline: LF,
        step: (row: StepResult) => this.onRow(row, parser),
      })
      parser.parse(input, 0, more)
      if (this.failure) break
      if (this.resumeAt === -1 && more) this.cutUnfinished()
      if (this.resumeAt === -1) break
      input = input.slice(this.resumeAt)
      raw = raw?.slice(this.resumeAt)
    }
    this.pending = input.slice(this.rowStart)
    this.pendingRaw = raw?.slice(this.rowStart)
    return this.items
  }

  private start(input: string, raw: string | undefined): void {
    this.input = input
    this.raw = raw
    this.rowStart = 0
    this.resumeAt = -1
    this.nextLf = input.indexOf(LF)
    this.nextQuote = input.indexOf(QUOTE)
    this.nextRawCr = raw === undefined ? -1 : raw.indexOf(CR)
  }

  private onRow(row: StepResult, parser: Papa.Parser): void {
    if (this.failure || this.resumeAt !== -1) return
    const start = this.rowStart
    let end = row.meta.cursor
    const quotes =
      this.nextQuote !== -1 && this.nextQuote < end
        ? this.checkQuotes(start, end, false)
        : NO_QUOTE_PROBLEM
    if (quotes.readPast !== -1) {
      const cut = this.lineEndAfter(quotes.readPast)
      if (cut !== -1 && cut < end) {
        end = cut
        this.resumeAt = cut
        parser.abort()
      }
    }
    const line = this.line
    this.line += this.countBreaks(end)
    this.rowStart = end
    if (end - start > this.maxRecordChars) return this.stop(this.tooLarge(line), parser)
    // a quote papaparse read past is not an unclosed one: the record ended at its line break
    if (quotes.readPast === -1 && row.errors.some((e) => e.code === 'MissingQuotes'))
      return this.stop(unclosedQuote(line), parser)
    const fields = this.hasLoneCrInside(start, end)
      ? this.fieldsAsWritten(start, end)
      : withoutCr(row.data[0])
    // an empty line: papaparse gives one empty field, csv-parse gave nothing
    if (fields.length === 1 && fields[0] === '' && !this.hasText(start, end)) return
    const problem = quotes.problem ?? (row.errors.length > 0 ? 'closing' : undefined)
    this.items.push(
      problem
        ? { kind: 'malformed', line, message: QUOTE_PROBLEMS[problem] }
        : { kind: 'record', fields, line },
    )
  }

  /**
   * The unfinished last row of a chunk: when it has text after a closing quote and a line break
   * after that, it is a malformed record there and then (papaparse would wait for the next quote,
   * maybe the file's last byte); the text after it is split again.
   */
  private cutUnfinished(): void {
    const start = this.rowStart
    const end = this.input.length
    if (this.nextQuote === -1 || this.nextQuote >= end) return
    const { readPast } = this.checkQuotes(start, end, true)
    const cut = readPast === -1 ? -1 : this.lineEndAfter(readPast)
    if (cut === -1) return
    if (cut - start > this.maxRecordChars) {
      this.failure = this.tooLarge()
      return
    }
    this.items.push({ kind: 'malformed', line: this.line, message: QUOTE_PROBLEMS.closing })
    this.line += this.countBreaks(cut)
    this.rowStart = cut
    this.resumeAt = cut
  }

  private stop(failure: IngestFileError, parser: Papa.Parser): void {
    this.failure = failure
    parser.abort()
  }

  /** Line breaks before `end`. */
  private countBreaks(end: number): number {
    let breaks = 0
    while (this.nextLf !== -1 && this.nextLf < end) {
      breaks++
      this.nextLf = this.input.indexOf(LF, this.nextLf + 1)
    }
    return breaks
  }

  /** Whether the row from `start` to `end` is more than a line break (`""` is). */
  private hasText(start: number, end: number): boolean {
    const c = this.input.charCodeAt(start)
    return start < end && c !== LF_CODE && c !== CR_CODE
  }

  /**
   * Whether the text as written has a lone CR inside the row from `start` to `end` (before its
   * own line break): one inside a quoted field, which the rewrite turned into LF.
   */
  private hasLoneCrInside(start: number, end: number): boolean {
    const raw = this.raw
    if (raw === undefined) return false
    let inside = false
    while (this.nextRawCr !== -1 && this.nextRawCr < end) {
      const at = this.nextRawCr
      if (at >= start && at < end - 1 && raw.charCodeAt(at + 1) !== LF_CODE) inside = true
      this.nextRawCr = raw.indexOf(CR, at + 1)
    }
    return inside
  }

  /** The fields of the row from `start` to `end`, split again from the text as written. */
  private fieldsAsWritten(start: number, end: number): string[] {
    const raw = this.raw!
    let last = end
    if (this.input.charCodeAt(end - 1) === LF_CODE) {
      // the row's own line break: LF, CR (rewritten) or CRLF
      last =
        raw.charCodeAt(end - 1) === LF_CODE && raw.charCodeAt(end - 2) === CR_CODE
          ? end - 2
          : end - 1
    }
    const parser = new Papa.Parser({ delimiter: this.delimiter, newline: LF })
    const parsed = parser.parse(raw.slice(start, last), 0, false) as { data: string[][] }
    return parsed.data[0]
  }

  /** Just after the first line break at or after `from`; -1 when the text has none. */
  private lineEndAfter(from: number): number {
    const at = this.input.indexOf(LF, from)
    return at === -1 ? -1 : at + 1
  }

  /**
   * The quotes of the row from `start` to `end`, checked the way csv-parse read them: a quote
   * opens a field only at its start, and a closing quote is followed by a delimiter or a line
   * break. `more`: the text goes on after `end`, so what a quote at the end means is not known.
   */
  private checkQuotes(start: number, end: number, more: boolean): QuoteCheck {
    const text = this.input
    let quote = this.nextQuote
    let problem: QuoteProblem | undefined
    let readPast = -1
    while (quote !== -1 && quote < end) {
      if (quote > start && text.charCodeAt(quote - 1) !== this.delimiterCode) {
        // papaparse keeps a quote inside an unquoted field as text
        problem ??= 'opening'
        quote = text.indexOf(QUOTE, quote + 1)
        continue
      }
      let close = text.indexOf(QUOTE, quote + 1)
      while (close !== -1 && text.charCodeAt(close + 1) === QUOTE_CODE)
        close = text.indexOf(QUOTE, close + 2)
      if (close === -1 || close >= end) break
      const next = close + 1
      if (next < end && !this.endsField(next)) {
        problem ??= 'closing'
        const verdict = this.readsPast(next, end, more)
        if (verdict === undefined) break
        if (verdict) {
          readPast = close
          break
        }
      }
      quote = text.indexOf(QUOTE, next)
    }
    while (quote !== -1 && quote < end) quote = text.indexOf(QUOTE, quote + 1)
    this.nextQuote = quote
    return { problem, readPast }
  }

  /** Whether a delimiter or a line break (LF, CRLF) is at `at`. */
  private endsField(at: number): boolean {
    const c = this.input.charCodeAt(at)
    if (c === CR_CODE) return this.input.charCodeAt(at + 1) === LF_CODE
    return c === this.delimiterCode || c === LF_CODE
  }

  /**
   * Whether papaparse reads past a closing quote followed by `at`: it does unless only white
   * space comes before the next delimiter or line break. undefined: not known before more text.
   */
  private readsPast(at: number, end: number, more: boolean): boolean | undefined {
    this.fieldEnd.lastIndex = at
    if (this.fieldEnd.test(this.input)) return false
    if (more && this.input.slice(at, end).trim() === '') return undefined
    return true
  }

  private tooLarge(line = this.line): IngestFileError {
    return new IngestFileError(
      'record-too-large',
      `the record on line ${line} is longer than ${this.maxRecordChars} characters (wrong delimiter or a runaway field?)`,
      line,
    )
  }
}

/** The row's fields without the CR of a CRLF that ended it (no field value can end in CR). */
function withoutCr(fields: string[]): string[] {
  const last = fields.length - 1
  const text = fields[last]
  if (text.charCodeAt(text.length - 1) === CR_CODE) fields[last] = text.slice(0, -1)
  return fields
}

function unclosedQuote(line: number): IngestFileError {
  return new IngestFileError(
    'unclosed-quote',
    `a quoted field opened on line ${line} is never closed; everything after it would be one field`,
    line,
  )
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
