import { stringify as stringifyStream, type Stringifier } from 'csv-stringify'
import { stringify } from 'csv-stringify/sync'
import type { Reject } from './types.js'

/** Characters that make a spreadsheet read a cell as a formula (OWASP ASVS 1.2.10 plus CR). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r'])

/**
 * Neutralises CSV/formula injection (CWE-1236): a cell starting with = + - @ tab or CR gets a
 * leading apostrophe, so Excel and LibreOffice show it as text. Quoting alone does not stop
 * evaluation. Numbers that must stay numeric (line numbers) never pass through here.
 */
export function escapeFormula(cell: string): string {
  return cell.length > 0 && FORMULA_TRIGGERS.has(cell[0]) ? `'${cell}` : cell
}

/** Column order of the rejects report; Reject objects are written by these keys. */
export const REJECT_COLUMNS = ['line', 'column', 'value', 'rule', 'message'] as const

const OPTIONS = {
  header: true,
  columns: [...REJECT_COLUMNS],
  cast: { string: escapeFormula },
}

/** Rejects as a CSV document (header, then line, column, value, rule, message), formula-escaped. */
export function renderRejectsCsv(rejects: Iterable<Reject>): string {
  return stringify([...rejects], OPTIONS)
}

/** The same report as a transform stream for large uploads: write Reject objects, read CSV text. */
export function createRejectsCsvStream(): Stringifier {
  return stringifyStream(OPTIONS)
}
