import { IngestFileError } from './errors.js'
import { normaliseHeader } from './profiles/index.js'
import type { ColumnMapping, DateTimeColumns, LocationColumns } from './types.js'

/**
 * Header row → index by normalised name. Refuses more than `maxColumns` columns and repeated
 * names (which column would a mapping mean?). Empty header cells are allowed, e.g. the trailing
 * blank columns spreadsheets leave. `line`: the header's physical line, for the errors.
 */
export function indexHeader(
  fields: readonly string[],
  maxColumns: number,
  line: number,
): Map<string, number> {
  if (fields.length > maxColumns) {
    throw new IngestFileError(
      'too-many-columns',
      `the header has ${fields.length} columns; at most ${maxColumns} are accepted (wrong delimiter?)`,
      line,
    )
  }
  const index = new Map<string, number>()
  const repeated = new Set<string>()
  fields.forEach((field, i) => {
    const name = normaliseHeader(field)
    if (name === '') return
    if (index.has(name)) repeated.add(field.trim())
    else index.set(name, i)
  })
  if (repeated.size > 0) {
    throw new IngestFileError(
      'duplicate-headers',
      `the header repeats ${[...repeated].map((h) => `"${h}"`).join(', ')}; rename the columns so each name is unique`,
      line,
    )
  }
  return index
}

/** Every column a mapping reads, as written in the mapping. */
export function mappingColumns(mapping: ColumnMapping): string[] {
  const names = [mapping.category]
  for (const name of [
    mapping.id,
    mapping.offenceCode,
    mapping.canonicalCode,
    mapping.neighbourhood,
    mapping.npu,
    mapping.beat,
    mapping.address,
  ]) {
    if (name !== undefined) names.push(name)
  }
  for (const spec of [mapping.occurredFrom, mapping.occurredTo, mapping.reportedAt]) {
    if (spec !== undefined) names.push(...dateColumns(spec))
  }
  for (const spec of [mapping.location, mapping.fallbackLocation]) {
    if (spec !== undefined) names.push(...locationColumns(spec))
  }
  return names
}

function dateColumns(spec: DateTimeColumns): string[] {
  if (spec.kind === 'month') return [spec.column]
  if (spec.kind === 'parts') {
    return [spec.year, spec.month, spec.day, spec.hour, spec.minute].filter(
      (c): c is string => c !== undefined,
    )
  }
  return spec.time === undefined ? [spec.date] : [spec.date, spec.time]
}

function locationColumns(spec: LocationColumns): string[] {
  return spec.kind === 'lonlat' ? [spec.lon, spec.lat] : [spec.x, spec.y]
}

/** @throws IngestFileError('missing-columns') naming the columns the header (on `line`) lacks. */
export function assertColumnsPresent(
  mapping: ColumnMapping,
  index: ReadonlyMap<string, number>,
  profile: string,
  line: number,
): void {
  const missing = mappingColumns(mapping).filter((c) => !index.has(normaliseHeader(c)))
  if (missing.length > 0) {
    throw new IngestFileError(
      'missing-columns',
      `profile "${profile}" needs column(s) ${[...new Set(missing)].map((c) => `"${c}"`).join(', ')} that the header lacks`,
      line,
    )
  }
}
