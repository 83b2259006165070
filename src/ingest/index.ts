/**
 * Incident ingest: analysts' CSV exports → validated, canonical incidents, as a stream.
 *
 * bytes (gzip by magic bytes, capped) → text (BOM / UTF-16 / Windows-1252 detection) → CSV
 * records (papaparse's core parser, delimiter sniffed from the first non-blank line, CRLF/LF/CR
 * mixed as they come, physical line numbers) →
 * header → profile (fingerprint or name) → per row: rules in RULES order → Incident or Reject →
 * batches of `batchSize`.
 *
 * The parser: papaparse splits our exports 5–8× faster than csv-parse with the same records
 * (bench/RESULTS.md, Ingest); record-splitter.ts adds what csv-parse gave us (start lines, a
 * record-size cap, strict quotes: a bad quote rejects its row and only it, an unclosed one fails
 * the file).
 *
 * Times are UTC epoch ms; naive local times are read in the profile's IANA zone with one DST
 * policy (gap → shifted forward by the gap, overlap → earlier instant). Coordinates end as WGS84.
 * Categories map onto a NIBRS-based spine; enforcement-driven types are flagged, never dropped.
 */
export { CANONICAL_CATEGORIES, UNMAPPED, type CanonicalCategory } from './categories.js'
export { IngestFileError } from './errors.js'
export { ingestIncidents, type IngestRun } from './ingest-incidents.js'
export { EPSG_DEFINITIONS } from './location.js'
export { GENERIC, listProfiles, type ProfileInfo } from './profiles/index.js'
export {
  createRejectsCsvStream,
  escapeFormula,
  renderRejectsCsv,
  REJECT_COLUMNS,
} from './rejects-csv.js'
export { RULES, type RuleDescription, type RuleId } from './rules.js'
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BBOX_MARGIN_M,
  DEFAULT_FLOOR_MS,
  DEFAULT_LIMITS,
} from './settings.js'
export type * from './types.js'
