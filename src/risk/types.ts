/**
 * The minimal inputs the risk core needs. The network and ingest cores produce richer records; the
 * caller maps them onto these (see `fromNetworkSegments` / `fromIngestIncidents` in the adapters).
 */

/** One scored street segment. `index` is its position in the segments array (0…n−1). */
export interface RiskSegment {
  readonly index: number
  /** Stable id from the network core (way id + node ids). */
  readonly id: string
  readonly lengthM: number
  /** OSM highway class, e.g. 'residential'. */
  readonly highway: string
  /** A representative [lon, lat] (e.g. the midpoint), used only for output geometry. */
  readonly point?: readonly [number, number]
  /** End nodes; needed only by the network kernel of the ProMap reference method. */
  readonly fromNodeId?: string | number
  readonly toNodeId?: string | number
}

/** Who or what a crime is against (NIBRS). */
export type CrimeAgainst = 'persons' | 'property' | 'society' | 'unknown'

/** One snapped incident. Times are UTC epoch milliseconds. */
export interface RiskIncident {
  /** Index into the segments array. */
  readonly segmentIndex: number
  /** Earliest possible occurrence. */
  readonly occurredFromMs: number
  /** Latest possible occurrence (equal to `occurredFromMs` when the time is exact). */
  readonly occurredToMs: number
  /** When the police learnt of it; `null` falls back to `occurredToMs`. */
  readonly reportedAtMs: number | null
  /** Canonical category id from the ingest core (NIBRS based, e.g. '220' for burglary). */
  readonly category: string
  readonly crimeAgainst: CrimeAgainst
  /** True for enforcement-driven offences (drugs, weapons possession, warrants…). */
  readonly enforcement: boolean
}

/** One resident report (311-style). Off by default: no report type carries weight unless configured. */
export interface ResidentReport {
  readonly segmentIndex: number
  readonly reportedAtMs: number
  /** Free report type, matched against `ScorerParams.reports`. */
  readonly type: string
}

/** Everything a scorer or the back-test reads. Arrays are never mutated. */
export interface RiskData {
  readonly segments: ReadonlyArray<RiskSegment>
  readonly incidents: ReadonlyArray<RiskIncident>
  readonly reports?: ReadonlyArray<ResidentReport>
}
