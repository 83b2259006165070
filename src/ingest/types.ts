import type { Readable } from 'node:stream'
import type { RuleId } from './rules.js'

/** Who or what an offence is against, as NIBRS classifies it. */
export type CrimeAgainst = 'persons' | 'property' | 'society' | 'unknown'

/** One accepted incident row, ready for the database. Times are UTC epoch milliseconds. */
export interface Incident {
  /** Profile that read the row, e.g. 'apd-cobra-2020'. */
  readonly sourceProfile: string
  /** The source's own record id; `null` when the source has none (VPD, police.uk ASB rows). */
  readonly sourceId: string | null
  /** The source's offence code (APD IBR/UCR code, Chicago IUCR), `null` when absent. */
  readonly offenceCode: string | null
  /** The source's category text, e.g. 'LARCENY-FROM VEHICLE'. */
  readonly localCategory: string
  /** Canonical category id (NIBRS based, e.g. '23F'), or 'unmapped'. */
  readonly category: string
  readonly crimeAgainst: CrimeAgainst
  /** True for enforcement-driven offences (drugs, weapons possession, NIBRS Group B…). */
  readonly enforcement: boolean
  /** Earliest possible occurrence. */
  readonly occurredFromMs: number
  /** Latest possible occurrence: equal to `occurredFromMs` for an exact time, the end of the
   * day or month for date-only or month-only values. */
  readonly occurredToMs: number
  /** When the police knew of it; date-only report dates give the end of that local day. `null`
   * when the source has no report date (use `occurredToMs` instead). */
  readonly reportedAtMs: number | null
  /** WGS84; both `null` when the row has no usable location. */
  readonly lon: number | null
  readonly lat: number | null
  /** Street segment from the injected snapper; `null` when unsnapped or without location. */
  readonly segmentId: string | null
  readonly snapDistanceM: number | null
  /** First physical line of the row in the decoded file (the header is line 1). */
  readonly line: number
  readonly neighbourhood: string | null
  readonly npu: string | null
  readonly beat: string | null
  /** Address or block, whitespace (including embedded line breaks) collapsed to single spaces. */
  readonly address: string | null
}

/** A row that broke a rule. Nothing from it is stored. */
export interface Reject {
  readonly line: number
  /** Header name of the offending column; `null` for whole-row problems. */
  readonly column: string | null
  /** The offending value, truncated to 200 characters. */
  readonly value: string
  readonly rule: RuleId
  readonly message: string
}

/** One unit of work for the database writer: write it in one transaction. */
export interface IngestBatch {
  readonly incidents: ReadonlyArray<Incident>
  readonly rejects: ReadonlyArray<Reject>
}

/** The injected snapper: nearest street segment within the caller's radius, else undefined. */
export type SnapFunction = (
  lon: number,
  lat: number,
) => { readonly segmentId: string; readonly distanceM: number } | undefined

/** Columns of a date (and optional time) in the row. */
export type DateTimeColumns =
  | {
      readonly kind: 'date-time'
      /** Column holding the date, or date and time together ('07/29/2022 03:39:00 AM'). */
      readonly date: string
      /** Column holding the time (HHMM, H:MM, HH:MM:SS, 12-hour AM/PM); absent → whole day. */
      readonly time?: string
      /** Order of day, month and year in slashed dates; 4-digit-year-first dates always parse. */
      readonly order: 'mdy' | 'dmy' | 'ymd'
      /** Accept Excel serial day numbers (1 = 1900-01-01) in the date column. */
      readonly excelSerials?: boolean
    }
  | {
      /** Separate numeric columns (VPD YEAR, MONTH, DAY, HOUR, MINUTE); absent parts widen the window. */
      readonly kind: 'parts'
      readonly year: string
      readonly month: string
      readonly day?: string
      readonly hour?: string
      readonly minute?: string
    }
  | {
      /** 'YYYY-MM' values (police.uk): the window covers the whole month. */
      readonly kind: 'month'
      readonly column: string
    }

/** Where the coordinates are: WGS84 degrees, or projected x/y with an EPSG code. */
export type LocationColumns =
  | { readonly kind: 'lonlat'; readonly lon: string; readonly lat: string }
  | { readonly kind: 'xy'; readonly x: string; readonly y: string; readonly epsg: number }

/**
 * How a file's columns map onto an incident. Profiles are written in this shape; a 'generic'
 * upload supplies one. Column names match headers case-, whitespace- and BOM-insensitively.
 */
export interface ColumnMapping {
  readonly id?: string
  /** Local offence code (kept as text: leading zeros matter). */
  readonly offenceCode?: string
  /** Local category text (required in every row). */
  readonly category: string
  /** A column whose value is looked up in the profile's `codeMap` first (NIBRS code, FBI Code). */
  readonly canonicalCode?: string
  readonly occurredFrom: DateTimeColumns
  readonly occurredTo?: DateTimeColumns
  readonly reportedAt?: DateTimeColumns
  readonly location?: LocationColumns
  /** Used when `location` is empty in a row (Chicago state-plane feet). */
  readonly fallbackLocation?: LocationColumns
  readonly neighbourhood?: string
  readonly npu?: string
  readonly beat?: string
  readonly address?: string
}

/** A named source format. Data, not code: see src/ingest/profiles/. */
export interface Profile {
  readonly name: string
  readonly description: string
  /** IANA zone of the naive local times in the file. */
  readonly timezone: string
  /** Headers that must all be present for auto-detection (normalised: lower case, single spaces). */
  readonly fingerprint: ReadonlyArray<string>
  readonly mapping: ColumnMapping
  /** Local category text (upper-cased) → canonical id. */
  readonly categoryMap: Readonly<Record<string, string>>
  /** `canonicalCode` value (upper-cased) → canonical id. */
  readonly codeMap?: Readonly<Record<string, string>>
  /** What stands in for the report time when the source has none. */
  readonly reportDateNote: string
}

/** Caps that stop hostile or broken files early. Defaults in DEFAULT_LIMITS. */
export interface IngestLimits {
  /** Largest CSV record in characters, its quoted line breaks included. */
  readonly maxRecordChars: number
  /** Data rows after which the file is refused. */
  readonly maxRows: number
  /** Columns in the header after which the file is refused. */
  readonly maxColumns: number
  /** Bytes after decompression (and for plain files, bytes read). */
  readonly maxBytes: number
  /** Decompressed ÷ compressed bytes, checked once 1 MiB has been inflated. */
  readonly maxCompressionRatio: number
}

/** Options of ingestIncidents. Only `profile` and `now` are required. */
export interface IngestOptions {
  /** 'auto' picks a profile by header fingerprint; 'generic' needs `mapping` and `timezone`. */
  readonly profile: string
  readonly mapping?: ColumnMapping
  /** Overrides the profile's zone, e.g. 'America/New_York'. */
  readonly timezone?: string
  /** Canonical ids for a generic upload's local categories (upper-cased keys). */
  readonly categoryMap?: Readonly<Record<string, string>>
  /** The present instant (epoch ms): dates after it are rejected. */
  readonly now: number
  /** Earliest accepted instant (epoch ms). Default: 2000-01-01T00:00Z. */
  readonly floorMs?: number
  /**
   * Network bbox [west, south, east, north] in WGS84; absent → no area rule, no swap fixing, and
   * a swapped pair that is valid both ways (lat/lon 33.75,-84.39 written as lon/lat) is stored as
   * written: only swaps past ±90° latitude are caught (summary `areaChecked` false).
   */
  readonly bbox?: readonly [number, number, number, number]
  /** Margin around the bbox in metres. Default 250. */
  readonly bboxMarginM?: number
  readonly snap?: SnapFunction
  readonly limits?: Partial<IngestLimits>
  /** Rows per yielded batch (accepted + rejected). Default 1000. */
  readonly batchSize?: number
}

/** What the pipeline reads: a Node stream or any async iterable of byte chunks. */
export type IngestInput = Readable | AsyncIterable<Uint8Array>

/** File-level outcome codes; see errors.ts. */
export type FileErrorCode =
  | 'empty-file'
  | 'header-only'
  | 'duplicate-headers'
  | 'too-many-columns'
  | 'unknown-profile'
  | 'missing-columns'
  | 'unclosed-quote'
  | 'malformed-csv'
  | 'record-too-large'
  | 'too-many-rows'
  | 'too-large'
  | 'compression-ratio'
  | 'corrupt-gzip'
  | 'unsupported-format'
  | 'input-error'
  /** Not the file's fault: a bug in the ingest code; the thrown error has the details. */
  | 'internal-error'

/** Why a whole file was refused; `line` when the problem has one. */
export interface FileError {
  readonly code: FileErrorCode
  readonly message: string
  /** Line where the problem starts, when there is one. */
  readonly line: number | null
}

/** The text encodings the decoder detects. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252'

/** A value and how many accepted rows had it. */
export interface CountEntry {
  readonly key: string
  readonly count: number
}

/** Median, 90th and 99th percentile of a distribution. */
export interface Quantiles {
  readonly p50: number
  readonly p90: number
  readonly p99: number
}

/** Facts about the file known only once the stream has been read. */
export interface FileFacts {
  readonly fileError: FileError | null
  readonly profile: string | null
  readonly timezone: string | null
  readonly encoding: TextEncoding | null
  readonly bom: boolean
  readonly delimiter: string | null
  readonly compressed: boolean
  /** sha256 (hex) of the bytes as received, before decompression; '' when the input was not read
   * to its end (failed or stopped runs). */
  readonly contentSha256: string
  readonly bytesRead: number
  readonly textBytes: number
  /** U+FFFD characters produced by decoding: a sign of a wrongly guessed encoding. */
  readonly decodeReplacements: number
  readonly reportDateNote: string | null
}

/** Everything the upload record and the analyst's report need. */
export interface IngestSummary extends FileFacts {
  /** 'failed': the file error below stopped the import, discard what was written; 'stopped': the
   * consumer broke off before the end. */
  readonly status: 'complete' | 'failed' | 'stopped'
  /** Data rows seen (header excluded): accepted + rejected + duplicates. */
  readonly rowsRead: number
  readonly accepted: number
  readonly rejected: number
  readonly rejectedByRule: Readonly<Partial<Record<RuleId, number>>>
  /** Rows whose (source id, offence) already appeared earlier in the file; not emitted. */
  readonly duplicates: number
  /** Accepted rows stored without coordinates (empty, or 0,0 privacy rows): not rejected. */
  readonly withoutLocation: number
  readonly withoutLocationZero: number
  /** Accepted rows whose lat/lon were swapped in the file and fixed (only with a bbox). */
  readonly swappedFixed: number
  /**
   * Whether points were checked against a network area (a bbox was given). false: coordinates
   * were only range-checked, so points outside the city and lat/lon swaps that are valid either
   * way (33.75,-84.39 and -84.39,33.75) were accepted as written.
   */
  readonly areaChecked: boolean
  /** Accepted rows whose occurrence end lay after the report time and was cut back to it. */
  readonly windowClampedToReport: number
  readonly snapped: number
  readonly unsnapped: number
  /** Snap distance quantiles in metres (0.1 m resolution); `null` when nothing was snapped. */
  readonly snapDistanceM: Quantiles | null
  /** Earliest and latest accepted `occurredFromMs`; `null` when nothing was accepted. */
  readonly occurredFromMinMs: number | null
  readonly occurredFromMaxMs: number | null
  /** Accepted rows with a local time in a DST gap (moved forward by the gap) or overlap (earlier instant taken). */
  readonly dstGapShifted: number
  readonly dstAmbiguous: number
  /** Accepted rows per canonical category, most frequent first. */
  readonly categories: ReadonlyArray<CountEntry>
  /** Accepted rows per local category text, most frequent first. */
  readonly localCategories: ReadonlyArray<CountEntry>
  /** Local categories with no canonical mapping (stored as 'unmapped'). */
  readonly unmapped: ReadonlyArray<CountEntry>
}
