import type { RuleId } from './rules.js'
import type { Reject } from './types.js'

/** Cell texts that mean "no value". */
const MISSING = new Set(['', 'NULL', 'NA', 'N/A', '#N/A'])
const MAX_VALUE_CHARS = 200

/** A cell's trimmed text, or undefined for an absent column (index -1) or a missing-value marker. */
export function cell(fields: readonly string[], index: number): string | undefined {
  if (index < 0) return undefined
  const raw = fields[index]
  if (raw === undefined) return undefined
  const text =
    raw.length > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32)
      ? raw.trim()
      : raw
  if (text.length <= 4 && MISSING.has(text.toUpperCase())) return undefined
  return text
}

/**
 * A copy of `text` that shares no memory with the chunk it was cut from. V8 keeps a substring as
 * a slice of its parent, so a field kept for the whole file (a duplicate-check id, a counted
 * category) would hold its whole 64 KiB text chunk; joining it to a space and cutting that off
 * makes V8 flatten a fresh copy.
 */
export function detach(text: string): string {
  return ` ${text}`.slice(1)
}

/** Builds a reject with the value cut to 200 characters and NUL characters removed. */
export function makeReject(
  line: number,
  column: string | null,
  value: string,
  rule: RuleId,
  message: string,
): Reject {
  const clean = withoutNul(value)
  const cut = clean.length > MAX_VALUE_CHARS ? `${clean.slice(0, MAX_VALUE_CHARS)}…` : clean
  return {
    line,
    column: column === null ? null : withoutNul(column),
    value: cut,
    rule,
    message: withoutNul(message),
  }
}

/** `text` without U+0000, which PostgreSQL text and jsonb cannot hold. */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text
}
