import { assertCanonical } from './categories.js'
import { mappingColumns } from './header.js'
import { createProjector, expandBbox, type Area } from './location.js'
import { GENERIC, PROFILES, findProfile } from './profiles/index.js'
import type { ColumnMapping, IngestLimits, IngestOptions, SnapFunction } from './types.js'
import { zoneClock } from '../time/index.js'

/** Caps used when the caller gives none. */
export const DEFAULT_LIMITS: IngestLimits = {
  maxRecordChars: 1 << 20,
  maxRows: 5_000_000,
  maxColumns: 500,
  maxBytes: 2 * 1024 ** 3,
  maxCompressionRatio: 100,
}

/** Earliest accepted instant: 2000-01-01T00:00Z (catches the typo years 1922 and 0220). */
export const DEFAULT_FLOOR_MS = Date.UTC(2000, 0, 1)
/** Metres added around the network bbox before the area rule rejects a point. */
export const DEFAULT_BBOX_MARGIN_M = 250
/** Rows (accepted + rejected) per yielded batch. */
export const DEFAULT_BATCH_SIZE = 1000

/** Options checked once, with defaults filled in. */
export interface Settings {
  readonly profile: string
  readonly mapping: ColumnMapping | undefined
  readonly timezone: string | undefined
  readonly categoryMap: Readonly<Record<string, string>>
  readonly now: number
  readonly floorMs: number
  readonly area: Area | undefined
  readonly snap: SnapFunction | undefined
  readonly limits: IngestLimits
  readonly batchSize: number
}

/** @throws on misuse (unknown profile, bad zone, bbox, limits…) with the remedy in the message. */
export function resolveSettings(options: IngestOptions): Settings {
  const { profile } = options
  if (profile !== 'auto' && profile !== GENERIC && !findProfile(profile)) {
    throw new Error(
      `unknown profile "${profile}" - use 'auto', '${GENERIC}' or one of ${PROFILES.map((p) => p.name).join(', ')}`,
    )
  }
  if (profile === GENERIC && !options.mapping) {
    throw new Error(`the '${GENERIC}' profile needs options.mapping (the upload's column mapping)`)
  }
  if (options.mapping && !options.timezone) {
    throw new Error(
      'a column mapping needs options.timezone too (an IANA zone such as "America/Chicago")',
    )
  }
  if (!Number.isFinite(options.now)) throw new Error('options.now must be an epoch-ms number')
  if (options.timezone !== undefined) zoneClock(options.timezone) // throws RangeError naming the remedy
  if (options.mapping) checkMapping(options.mapping)
  if (options.categoryMap)
    assertCanonical(Object.values(options.categoryMap), 'options.categoryMap')
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  for (const [name, value] of Object.entries(limits)) {
    if (!(value > 0)) throw new Error(`limits.${name} must be a positive number, got ${value}`)
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`)
  }
  return {
    profile,
    mapping: options.mapping,
    timezone: options.timezone,
    categoryMap: options.categoryMap ?? {},
    now: options.now,
    floorMs: options.floorMs ?? DEFAULT_FLOOR_MS,
    area: options.bbox && checkedArea(options.bbox, options.bboxMarginM ?? DEFAULT_BBOX_MARGIN_M),
    snap: options.snap,
    limits,
    batchSize,
  }
}

function checkMapping(mapping: ColumnMapping): void {
  if (!mapping.category || !mapping.occurredFrom) {
    throw new Error('a column mapping needs at least `category` and `occurredFrom`')
  }
  const blank = mappingColumns(mapping).filter((c) => typeof c !== 'string' || c.trim() === '')
  if (blank.length > 0) throw new Error('column names in a mapping must be non-empty strings')
  if (mappingColumns(mapping).some((c) => c.includes('\u0000'))) {
    throw new Error('column names in a mapping must not contain NUL characters (U+0000)')
  }
  for (const spec of [mapping.location, mapping.fallbackLocation]) {
    if (spec?.kind === 'xy') createProjector(spec.epsg)
  }
}

function checkedArea(bbox: readonly [number, number, number, number], marginM: number): Area {
  const [west, south, east, north] = bbox
  if (bbox.length !== 4 || !bbox.every(Number.isFinite) || west >= east || south >= north) {
    throw new Error(
      `bbox must be [west, south, east, north] in degrees with west < east, south < north; got [${bbox.join(', ')}]`,
    )
  }
  if (!(marginM >= 0)) throw new Error(`bboxMarginM must be ≥ 0 metres, got ${marginM}`)
  return expandBbox(bbox, marginM)
}
