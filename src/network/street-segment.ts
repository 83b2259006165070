import type { Mode } from './profiles.js'

/** [lon, lat] in degrees, WGS84. */
export type LonLat = readonly [number, number]

/** [west, south, east, north] in degrees. */
export type Bbox = readonly [number, number, number, number]

/**
 * A street segment: the piece of one OSM way between two intersections (or way ends), for one
 * mode. This is the record the database stores; a routing graph is rebuilt from these alone.
 */
export interface StreetSegment {
  /** `w<wayId>:<fromNodeId>-<toNodeId>`, plus `:<n>` for the n-th repeat within a way; stable across re-imports of the same data, unique within a mode. */
  readonly id: string
  readonly wayId: number
  readonly highway: string
  readonly name: string | null
  /** Haversine length along the geometry, metres. */
  readonly lengthM: number
  readonly speedKmh: number
  /** True: only in geometry direction (a `oneway=-1` way is stored reversed). */
  readonly oneway: boolean
  readonly fromNodeId: number
  readonly toNodeId: number
  /** At least two points, from `fromNodeId` to `toNodeId`. */
  readonly geometry: readonly LonLat[]
}

/** Counts for one mode's segments. */
export interface ModeTotals {
  readonly ways: number
  readonly segments: number
  readonly onewaySegments: number
  /** Two per two-way segment, one per one-way segment. */
  readonly directedEdges: number
  /** Distinct segment end nodes (intersections and way ends). */
  readonly nodes: number
  readonly km: number
}

/** The segments of one mode, built by one profile, sorted by id. */
export interface SegmentSet {
  readonly mode: Mode
  readonly profile: string
  readonly segments: readonly StreetSegment[]
  readonly totals: ModeTotals
  /** Undefined when there are no segments. */
  readonly bbox: Bbox | undefined
}
