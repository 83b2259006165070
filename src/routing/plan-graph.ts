/** Travel mode of a patrol unit and of the street graph it moves on. */
export type TravelMode = 'drive' | 'foot'

/**
 * One directed pass over a segment: `forward` follows the segment's geometry. A pass over part of
 * the segment (leaving a unit's start, reaching its end) says where it begins and ends, in metres
 * from the geometry start.
 */
export interface DirectedStep {
  readonly segment: number
  readonly direction: 'forward' | 'backward'
  readonly fromM?: number
  readonly toM?: number
}

/**
 * What the planner needs from one mode's street graph. `fromNetworkGraph` builds it over the
 * network core; tests may build it over any shortest-path code. Nodes and segments are dense
 * indexes (0…n−1). Travel costs are seconds.
 */
export interface PlanGraph {
  readonly mode: TravelMode
  readonly segmentCount: number
  /** Node at the geometry start of each segment. */
  readonly segmentFrom: Int32Array
  /** Node at the geometry end of each segment. */
  readonly segmentTo: Int32Array
  /** 1: the segment may only be travelled forward. */
  readonly oneway: Uint8Array
  readonly lengthM: Float64Array
  /** Seconds to travel the whole segment. */
  readonly travelS: Float64Array
  /** The prize place (risk segment index) each segment collects for; −1 for none. */
  readonly placeOf: Int32Array
  /** Segment midpoints in degrees, for spreading exploration stops. */
  readonly midLon: Float64Array
  readonly midLat: Float64Array
  /** Stable segment ids, for output only. */
  readonly segmentIds?: ReadonlyArray<string>
  /** Seconds from node `source` to each of `targets`; Infinity where unreachable. */
  costsFrom(source: number, targets: Int32Array): Float64Array
  /**
   * Seconds from each source to each target, row-major; optional, faster than one `costsFrom` per
   * source for big tables.
   */
  costTable?(sources: Int32Array, targets: Int32Array): Float64Array
  /** The steps of a cheapest path between two nodes; empty when source = target, undefined when unreachable. */
  pathBetween(source: number, target: number): ReadonlyArray<DirectedStep> | undefined
}

/** A point on a segment: `offsetM` metres from the segment's geometry start. */
export interface SegmentPosition {
  readonly segment: number
  readonly offsetM: number
}
