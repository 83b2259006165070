/**
 * Street networks from OpenStreetMap, and fast exact routing on them.
 *
 * Model: an OSM PBF stream → per mode (drive, foot) street segments, each the piece of one way
 * between two intersections, length = Σ haversine (R = 6,371,008.8 m), speed km/h from one
 * defaults table (profiles.ts). Segment records alone rebuild a routing graph: nodes = segment
 * ends, one directed edge per allowed direction, cost = lengthM / (speedKmh / 3.6) seconds
 * (or metres with weight 'length'). Point-to-point routes run on a contraction hierarchy
 * (exact); one-to-many runs one Dijkstra. Routes start and end at nodes or at positions on a
 * segment (offset metres), never turning mid-segment. Snapping: nearest segment in a local
 * metric projection (Flatbush).
 */
export { NetworkImportError, type NetworkImportErrorCode } from './errors.js'
export { importNetwork, type ImportOptions, type NetworkImport } from './import-network.js'
export { readOsm, type OsmExtract, type OsmWay } from './read-osm.js'
export { buildSegments } from './build-segments.js'
export { parseMaxspeedKmh, wayDirection, isWayKept, waySpeedKmh } from './osm-tags.js'
export {
  DRIVE,
  DRIVE_AS_PROVENANCE,
  DRIVE_PEER_PROTOCOL,
  DRIVE_SPEED_KMH,
  EARTH_RADIUS_M,
  FOOT,
  FOOT_AS_PROVENANCE,
  PROFILES,
  WALKING_SPEED_KMH,
  type Mode,
  type Profile,
} from './profiles.js'
export type { Bbox, LonLat, ModeTotals, SegmentSet, StreetSegment } from './street-segment.js'
export { haversineM } from './haversine.js'
export {
  buildStreetGraph,
  nodeIndexOf,
  segmentIndexOf,
  type StreetGraph,
  type StreetGraphOptions,
  type Weight,
} from './street-graph.js'
export type { NodeWaypoint, SegmentPosition, Waypoint } from './waypoint.js'
export { StreetGraphBuilder } from './street-graph-builder.js'
export { findRoute } from './find-route.js'
export { findRoutesFrom, type RouteTable } from './one-to-many.js'
export {
  NO_ROUTE,
  routeToLineString,
  type LineString,
  type NoRoute,
  type Route,
  type RouteResult,
  type RouteStep,
} from './route.js'
export { SNAP_RADIUS_M, SnapIndex, type Snap } from './snap-index.js'
export {
  ngraphFinderOptions,
  toNgraph,
  type Intersection,
  type NgraphStreetGraph,
  type SegmentLink,
} from './ngraph-adapter.js'
