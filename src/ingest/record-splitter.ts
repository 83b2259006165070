import Papa from 'papaparse'
import { IngestFileError } from './errors.js'

/** One CSV record with the physical line it starts on (line 1 is the header). */
export type CsvItem =
  | { readonly kind: 'record'; readonly fields: string[]; readonly line: number }
  | { readonly kind: 'malformed'; readonly line: number; readonly message: string }

/** A line break as papaparse's core parser takes it. */
export type Newline = '\n' | '\r\n' | '\r'

const LF = '\n'
const CR = '\r'
const QUOTE = '"'
const LF_CODE = 10
const CR_CODE = 13
const QUOTE_CODE = 34

const QUOTE_PROBLEMS = {
  opening: 'a quote inside an unquoted field; quote the whole field and double the quotes in it',
  closing: 'text after a closing quote; double the quotes inside a quoted field',
} as const

/** What papaparse's Parser hands its step callback: one row, its quote errors, where it ends. */
interface StepResult {
  readonly data: string[][]
  readonly errors: ReadonlyArray<{ readonly code: string }>
  readonly meta: { readonly cursor: number }
}

/**
 * Splits decoded text into CSV records, chunk by chunk, with papaparse's core parser (an
 * indexOf-driven splitter: this stage runs 5–8× csv-parse on the COBRA and VPD files,
 * bench/RESULTS.md, Ingest). Its Node stream is not used: it drops the parser's quote errors and
 * guesses the line break from the first chunk.
 * It keeps the rules csv-parse gave the ingest: physical start lines (CRLF, LF and CR each end
 * one line, inside quotes too), empty lines skipped, a quote inside an unquoted field or text
 * after a closing quote skips just that record ('malformed'), and an unclosed quote or a record
 * over `maxRecordChars` end the file.
 *
 * `push` and `end` return the records completed so far; once `failure` is set, the file stops
 * after them.
 */
export class RecordSplitter {
  /** Set when the file cannot go on: throw it after the records already returned. */
  failure: IngestFileError | undefined

  private readonly parser: Papa.Parser
  private readonly delimiterCode: number
  private items: CsvItem[] = []
  private input = ''
  private pending = ''
  private oversized = false
  private rowStart = 0
  private line = 1
  private nextLf = -1
  private nextCr = -1
  private nextQuote = -1

  constructor(
    delimiter: string,
    private readonly newline: Newline,
    private readonly maxRecordChars: number,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0)
    this.parser = new Papa.Parser({
      delimiter,
      newline,
      step: (row: StepResult) => this.onRow(row),
    })
  }

  /** The records that `chunk` completes; the unfinished last one waits for the next chunk. */
  push(chunk: string): CsvItem[] {
    if (this.failure) return []
    if (this.oversized) {
      // reported at its next line break, so limits on the byte stream (gzip bombs) speak first
      if (/[\r\n]/.test(chunk)) this.failure = this.tooLarge()
      return []
    }
    const items = this.parse(this.pending + chunk, true)
    if (!this.failure && this.pending.length > this.maxRecordChars) {
      this.oversized = true
      this.pending = ''
    }
    return items
  }

  /** The last records, at the end of the text. */
  end(): CsvItem[] {
    if (this.oversized && !this.failure) this.failure = this.tooLarge()
    return this.failure ? [] : this.parse(this.pending, false)
  }

  private parse(input: string, more: boolean): CsvItem[] {
    this.items = []
    this.input = input
    this.rowStart = 0
    this.nextLf = input.indexOf(LF)
    this.nextCr = input.indexOf(CR)
    this.nextQuote = input.indexOf(QUOTE)
    this.parser.parse(input, 0, more)
    this.pending = input.slice(this.rowStart)
    return this.items
  }

  private onRow(row: StepResult): void {
    if (this.failure) return
    const start = this.rowStart
    const end = row.meta.cursor
    const line = this.line
    this.line += this.countBreaks(end)
    this.rowStart = end
    if (end - start > this.maxRecordChars) return this.stop(this.tooLarge(line))
    if (row.errors.some((e) => e.code === 'MissingQuotes')) return this.stop(unclosedQuote(line))
    const fields = row.data[0]
    // an empty line: papaparse gives one empty field, csv-parse gave nothing
    if (fields.length === 1 && fields[0] === '' && !this.hasText(start, end)) return
    const quoted = this.nextQuote !== -1 && this.nextQuote < end
    const problem =
      (quoted ? this.checkQuotes(start, end) : undefined) ??
      (row.errors.length > 0 ? 'closing' : undefined)
    if (problem) this.items.push({ kind: 'malformed', line, message: QUOTE_PROBLEMS[problem] })
    else this.items.push({ kind: 'record', fields, line })
  }

  private stop(failure: IngestFileError): void {
    this.failure = failure
    this.parser.abort()
  }

  /** Line breaks before `end`: each LF, and each CR not followed by LF. */
  private countBreaks(end: number): number {
    let breaks = 0
    const text = this.input
    while (this.nextLf !== -1 && this.nextLf < end) {
      breaks++
      this.nextLf = text.indexOf(LF, this.nextLf + 1)
    }
    while (this.nextCr !== -1 && this.nextCr < end) {
      if (text.charCodeAt(this.nextCr + 1) !== LF_CODE) breaks++
      this.nextCr = text.indexOf(CR, this.nextCr + 1)
    }
    return breaks
  }

  private hasText(start: number, end: number): boolean {
    for (let i = start; i < end; i++) {
      const c = this.input.charCodeAt(i)
      if (c !== CR_CODE && c !== LF_CODE) return true
    }
    return false
  }

  /**
   * The quotes of the row ending at `end`, checked the way csv-parse read them: a quote opens a
   * field only at its start, and a closing quote is followed by a delimiter or a line break.
   */
  private checkQuotes(start: number, end: number): 'opening' | 'closing' | undefined {
    const text = this.input
    let quote = this.nextQuote
    let problem: 'opening' | 'closing' | undefined
    while (quote !== -1 && quote < end && problem === undefined) {
      if (quote > start && text.charCodeAt(quote - 1) !== this.delimiterCode) {
        problem = 'opening'
        break
      }
      let close = text.indexOf(QUOTE, quote + 1)
      while (close !== -1 && text.charCodeAt(close + 1) === QUOTE_CODE)
        close = text.indexOf(QUOTE, close + 2)
      if (close === -1 || close >= end) break
      const next = close + 1
      if (
        next < end &&
        text.charCodeAt(next) !== this.delimiterCode &&
        !text.startsWith(this.newline, next)
      )
        problem = 'closing'
      quote = text.indexOf(QUOTE, close + 1)
    }
    while (quote !== -1 && quote < end) quote = text.indexOf(QUOTE, quote + 1)
    this.nextQuote = quote
    return problem
  }

  private tooLarge(line = this.line): IngestFileError {
    return new IngestFileError(
      'record-too-large',
      `the record on line ${line} is longer than ${this.maxRecordChars} characters (wrong delimiter or a runaway field?)`,
      line,
    )
  }
}

function unclosedQuote(line: number): IngestFileError {
  return new IngestFileError(
    'unclosed-quote',
    `a quoted field opened on line ${line} is never closed; everything after it would be one field`,
    line,
  )
}
