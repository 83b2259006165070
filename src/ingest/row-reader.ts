import type { CanonicalCategory } from './categories.js'
import { createCategoryResolver } from './category-resolver.js'
import { cell, makeReject } from './cells.js'
import {
  compileLocationReader,
  createLocationSlot,
  type Area,
  type LocationSlot,
} from './location.js'
import { normaliseHeader } from './profiles/index.js'
import { MAX_KEY_CHARS } from './rules.js'
import { RowTimesReader, createRowTimes } from './row-times.js'
import type { ColumnMapping, Incident, Reject, SnapFunction } from './types.js'

/** Everything compileRowReader needs about one file, resolved from its header and the options. */
export interface RowReaderConfig {
  readonly profile: string
  readonly mapping: ColumnMapping
  readonly headerIndex: ReadonlyMap<string, number>
  /** The header's cells as written, naming the column of a `row.nul-byte` reject. */
  readonly header: readonly string[]
  readonly headerLength: number
  readonly timezone: string
  readonly categoryMap: Readonly<Record<string, string>>
  readonly codeMap: Readonly<Record<string, string>> | undefined
  readonly now: number
  readonly floorMs: number
  readonly area: Area | undefined
  readonly snap: SnapFunction | undefined
}

/** Facts about an accepted row that the summary counts. */
export interface AcceptedRow {
  readonly kind: 'accepted'
  readonly incident: Incident
  readonly canonical: CanonicalCategory
  readonly dstGap: boolean
  readonly dstAmbiguous: boolean
  readonly swapped: boolean
  readonly zero: boolean
  readonly clamped: boolean
}

/** One row's result: an incident with the facts the summary counts, or a reject. */
export type RowOutcome = AcceptedRow | { readonly kind: 'rejected'; readonly reject: Reject }

/**
 * Compiles the per-row reader for one file: columns resolved once, then each row is checked in
 * the order of RULES and turned into an Incident or a Reject.
 */
export function compileRowReader(
  config: RowReaderConfig,
): (fields: string[], line: number) => RowOutcome {
  const { mapping } = config
  const indexOf = (column: string): number => config.headerIndex.get(normaliseHeader(column)) ?? -1
  const times = new RowTimesReader(mapping, indexOf, config.timezone, config.now, config.floorMs)
  const readPlace = compilePlaceReader(mapping, indexOf, config.area)
  const resolve = createCategoryResolver(config.categoryMap, config.codeMap)
  const at = {
    id: indexOf(mapping.id ?? ''),
    code: indexOf(mapping.offenceCode ?? ''),
    canonical: indexOf(mapping.canonicalCode ?? ''),
    category: indexOf(mapping.category),
    neighbourhood: indexOf(mapping.neighbourhood ?? ''),
    npu: indexOf(mapping.npu ?? ''),
    beat: indexOf(mapping.beat ?? ''),
    address: indexOf(mapping.address ?? ''),
  }
  const when = createRowTimes()
  const place = createLocationSlot()

  return (fields, line) => {
    if (fields.length !== config.headerLength) {
      const message = `the row has ${fields.length} fields, the header ${config.headerLength}`
      return rejected(makeReject(line, null, fields.join(','), 'row.columns', message))
    }
    const nulAt = indexOfNul(fields)
    if (nulAt !== -1) {
      const column = config.header[nulAt]?.trim() || `column ${nulAt + 1}`
      const message = `${column} holds a NUL character (U+0000); remove it and upload the row again`
      return rejected(makeReject(line, column, fields[nulAt], 'row.nul-byte', message))
    }
    const localCategory = cell(fields, at.category)
    if (localCategory === undefined) {
      const value = fields[at.category] ?? ''
      return rejected(
        makeReject(line, mapping.category, value, 'required', `${mapping.category} is empty`),
      )
    }
    const sourceId = cell(fields, at.id)
    const tooLong =
      sourceId !== undefined && sourceId.length > MAX_KEY_CHARS
        ? { column: mapping.id!, value: sourceId }
        : localCategory.length > MAX_KEY_CHARS
          ? { column: mapping.category, value: localCategory }
          : undefined
    if (tooLong) {
      const message = `${tooLong.column} has ${tooLong.value.length} characters, at most ${MAX_KEY_CHARS} are accepted (is the mapping pointing at the right column?)`
      return rejected(makeReject(line, tooLong.column, tooLong.value, 'value.too-long', message))
    }
    const timeReject = times.read(fields, line, when)
    if (timeReject) return rejected(timeReject)
    readPlace(fields, place)
    if (place.status === 'reject') {
      return rejected(makeReject(line, place.column, place.value, place.rule, place.message))
    }
    const located = place.status === 'ok'
    const snapped = located && config.snap ? config.snap(place.lon, place.lat) : undefined
    const canonical = resolve(cell(fields, at.canonical), localCategory)
    const incident: Incident = {
      sourceProfile: config.profile,
      sourceId: sourceId ?? null,
      offenceCode: cell(fields, at.code) ?? null,
      localCategory,
      category: canonical.id,
      crimeAgainst: canonical.crimeAgainst,
      enforcement: canonical.enforcement,
      occurredFromMs: when.fromMs,
      occurredToMs: when.toMs,
      reportedAtMs: when.reportedAtMs,
      lon: located ? place.lon : null,
      lat: located ? place.lat : null,
      segmentId: snapped?.segmentId ?? null,
      snapDistanceM: snapped?.distanceM ?? null,
      line,
      neighbourhood: cell(fields, at.neighbourhood) ?? null,
      npu: cell(fields, at.npu) ?? null,
      beat: cell(fields, at.beat) ?? null,
      address: collapseSpaces(cell(fields, at.address)),
    }
    return {
      kind: 'accepted',
      incident,
      canonical,
      dstGap: when.gap,
      dstAmbiguous: when.ambiguous,
      swapped: located && place.swapped,
      zero: place.status === 'zero',
      clamped: when.clamped,
    }
  }
}

/** The location columns, with the fall-back read when the main pair is empty or 0,0. */
function compilePlaceReader(
  mapping: ColumnMapping,
  indexOf: (column: string) => number,
  area: Area | undefined,
): (fields: readonly string[], slot: LocationSlot) => void {
  const main = mapping.location && compileLocationReader(mapping.location, indexOf, cell, area)
  const fallback =
    mapping.fallbackLocation && compileLocationReader(mapping.fallbackLocation, indexOf, cell, area)
  return (fields, slot) => {
    slot.status = 'none'
    slot.swapped = false
    main?.(fields, slot)
    if (fallback && (slot.status === 'none' || slot.status === 'zero')) fallback(fields, slot)
  }
}

/** The index of the first field holding U+0000, or -1. */
function indexOfNul(fields: readonly string[]): number {
  for (let i = 0; i < fields.length; i++) {
    if (fields[i].includes('\u0000')) return i
  }
  return -1
}

function rejected(reject: Reject): RowOutcome {
  return { kind: 'rejected', reject }
}

function collapseSpaces(text: string | undefined): string | null {
  if (text === undefined) return null
  return /\s\s|[\t\r\n]/.test(text) ? text.replace(/\s+/g, ' ') : text
}
