import type { CanonicalCategory } from './categories.js'
import { createCategoryResolver } from './category-resolver.js'
import { MINUTE_MS, civilFromWallMs, formatWall } from './civil-date.js'
import { compileDateReader, createDateSlot, describeFormat, type DateSlot } from './date-reader.js'
import { compileLocationReader, createLocationSlot, type Area } from './location.js'
import { normaliseHeader } from './profiles/index.js'
import type { RuleId } from './rules.js'
import type { ColumnMapping, Incident, Reject, SnapFunction } from './types.js'
import { ZoneClock } from './zone-clock.js'

/** Cell texts that mean "no value". */
const MISSING = new Set(['', 'NULL', 'NA', 'N/A', '#N/A'])
const MAX_VALUE_CHARS = 200

/** A cell's trimmed text, or undefined for an absent column or a missing-value marker. */
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

export interface RowReaderConfig {
  readonly profile: string
  readonly mapping: ColumnMapping
  readonly headerIndex: ReadonlyMap<string, number>
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

export type RowOutcome = AcceptedRow | { readonly kind: 'rejected'; readonly reject: Reject }

/** Builds a reject with the value cut to 200 characters. */
export function makeReject(
  line: number,
  column: string | null,
  value: string,
  rule: RuleId,
  message: string,
): Reject {
  const cut = value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value
  return { line, column, value: cut, rule, message }
}

function rejected(
  line: number,
  column: string | null,
  value: string,
  rule: RuleId,
  message: string,
): RowOutcome {
  return { kind: 'rejected', reject: makeReject(line, column, value, rule, message) }
}

/**
 * Compiles the per-row reader for one file: columns resolved once, then each row is checked in
 * the order of RULES and turned into an Incident or a Reject.
 */
export function compileRowReader(
  config: RowReaderConfig,
): (fields: string[], line: number) => RowOutcome {
  const { mapping, now, floorMs } = config
  const indexOf = (column: string): number => config.headerIndex.get(normaliseHeader(column)) ?? -1
  const pivotYear = civilFromWallMs(now).year
  const clock = new ZoneClock(config.timezone)
  const readFrom = compileDateReader(mapping.occurredFrom, indexOf, cell, pivotYear)
  const readTo =
    mapping.occurredTo && compileDateReader(mapping.occurredTo, indexOf, cell, pivotYear)
  const readReported =
    mapping.reportedAt && compileDateReader(mapping.reportedAt, indexOf, cell, pivotYear)
  const readLocation =
    mapping.location && compileLocationReader(mapping.location, indexOf, cell, config.area)
  const readFallback =
    mapping.fallbackLocation &&
    compileLocationReader(mapping.fallbackLocation, indexOf, cell, config.area)
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
  const fromFormat = describeFormat(mapping.occurredFrom)
  const from = createDateSlot()
  const to = createDateSlot()
  const reported = createDateSlot()
  const place = createLocationSlot()
  let gap = false
  let ambiguous = false

  const instant = (wallMs: number, offsetMinutes: number, count: boolean): number => {
    if (!Number.isNaN(offsetMinutes)) return wallMs - offsetMinutes * MINUTE_MS
    const ms = clock.toEpochMs(wallMs)
    if (count && clock.lastKind === 'gap') gap = true
    if (count && clock.lastKind === 'overlap') ambiguous = true
    return ms
  }
  const shown = (slot: DateSlot): string => slot.value || formatWall(slot.start)
  const rangeReject = (
    slot: DateSlot,
    ms: number,
    line: number,
    what: string,
  ): RowOutcome | undefined => {
    if (ms < floorMs) {
      return rejected(
        line,
        slot.column,
        shown(slot),
        'date.before-floor',
        `${what} ${shown(slot)} is before ${new Date(floorMs).toISOString().slice(0, 10)}`,
      )
    }
    if (ms > now)
      return rejected(
        line,
        slot.column,
        shown(slot),
        'date.future',
        `${what} ${shown(slot)} is in the future`,
      )
    return undefined
  }

  return (fields, line) => {
    if (fields.length !== config.headerLength) {
      return rejected(
        line,
        null,
        fields.join(',').slice(0, MAX_VALUE_CHARS),
        'row.columns',
        `the row has ${fields.length} fields, the header ${config.headerLength}`,
      )
    }
    const localCategory = cell(fields, at.category)
    if (localCategory === undefined) {
      return rejected(
        line,
        mapping.category,
        fields[at.category] ?? '',
        'required',
        `${mapping.category} is empty`,
      )
    }
    const fromStatus = readFrom(fields, from)
    if (fromStatus === 'missing') {
      return rejected(
        line,
        from.column || null,
        '',
        'required',
        `the occurrence date is empty (expected ${fromFormat})`,
      )
    }
    if (fromStatus === 'invalid') {
      return rejected(
        line,
        from.column,
        from.value,
        'date.invalid',
        `"${from.value}" is not a valid date or time (expected ${fromFormat})`,
      )
    }
    gap = false
    ambiguous = false
    const fromMs = instant(from.start, from.offsetMinutes, true)
    const fromOut = rangeReject(from, fromMs, line, 'occurrence')
    if (fromOut) return fromOut
    let occurredTo = from.end === from.start ? fromMs : instant(from.end, from.offsetMinutes, false)
    if (readTo) {
      const status = readTo(fields, to)
      if (status === 'invalid') {
        return rejected(
          line,
          to.column,
          to.value,
          'date.invalid',
          `"${to.value}" is not a valid date or time (expected ${describeFormat(mapping.occurredTo!)})`,
        )
      }
      if (status === 'ok') {
        const toStart = instant(to.start, to.offsetMinutes, to.start === to.end)
        const toOut = rangeReject(to, toStart, line, 'occurrence end')
        if (toOut) return toOut
        occurredTo = to.end === to.start ? toStart : instant(to.end, to.offsetMinutes, false)
      }
    }
    if (occurredTo > now) occurredTo = now
    if (occurredTo < fromMs) {
      return rejected(
        line,
        to.column,
        shown(to),
        'date.window-inverted',
        `the occurrence ends (${shown(to)}) before it starts (${shown(from)})`,
      )
    }
    let reportedAtMs: number | null = null
    let clamped = false
    if (readReported) {
      const status = readReported(fields, reported)
      if (status === 'invalid') {
        return rejected(
          line,
          reported.column,
          reported.value,
          'date.invalid',
          `"${reported.value}" is not a valid report date (expected ${describeFormat(mapping.reportedAt!)})`,
        )
      }
      if (status === 'ok') {
        const start = instant(reported.start, reported.offsetMinutes, false)
        const out = rangeReject(reported, start, line, 'report date')
        if (out) return out
        const end =
          reported.end === reported.start
            ? start
            : instant(reported.end, reported.offsetMinutes, false)
        reportedAtMs = Math.min(end, now)
        if (fromMs > reportedAtMs) {
          return rejected(
            line,
            from.column,
            shown(from),
            'date.after-report',
            `the occurrence (${shown(from)}) starts after it was reported (${shown(reported)})`,
          )
        }
        if (occurredTo > reportedAtMs) {
          occurredTo = reportedAtMs
          clamped = true
        }
      }
    }
    let lon: number | null = null
    let lat: number | null = null
    if (readLocation) {
      readLocation(fields, place)
      if (readFallback && (place.status === 'none' || place.status === 'zero'))
        readFallback(fields, place)
      if (place.status === 'reject')
        return rejected(line, place.column, place.value, place.rule, place.message)
      if (place.status === 'ok') {
        lon = place.lon
        lat = place.lat
      }
    }
    const snapped = lon !== null && lat !== null && config.snap ? config.snap(lon, lat) : undefined
    const canonical = resolve(cell(fields, at.canonical), localCategory)
    const incident: Incident = {
      sourceProfile: config.profile,
      sourceId: cell(fields, at.id) ?? null,
      offenceCode: cell(fields, at.code) ?? null,
      localCategory,
      category: canonical.id,
      crimeAgainst: canonical.crimeAgainst,
      enforcement: canonical.enforcement,
      occurredFromMs: fromMs,
      occurredToMs: occurredTo,
      reportedAtMs,
      lon,
      lat,
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
      dstGap: gap,
      dstAmbiguous: ambiguous,
      swapped: place.status === 'ok' && place.swapped,
      zero: lon === null && place.status === 'zero',
      clamped,
    }
  }
}

function collapseSpaces(text: string | undefined): string | null {
  if (text === undefined) return null
  return /\s\s|[\t\r\n]/.test(text) ? text.replace(/\s+/g, ' ') : text
}
