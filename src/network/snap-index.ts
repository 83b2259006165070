import Flatbush from 'flatbush'
import { haversineM } from './haversine.js'
import { EARTH_RADIUS_M } from './profiles.js'
import type { StreetGraph } from './street-graph.js'
import type { LonLat } from './street-segment.js'

/** A point snapped onto a segment. */
export interface Snap {
  readonly segment: number
  /** Haversine distance from the query point to `point`, metres. */
  readonly distanceM: number
  /** Offset of `point` from the segment's first point, metres (a SegmentPosition's offsetM). */
  readonly offsetM: number
  readonly point: LonLat
}

/** Default snapping radius, metres. */
export const SNAP_RADIUS_M = 60

// the local projection's scale drifts by cos(lat) over a city; search boxes get this much slack
const BOX_SLACK = 1.02
const RAD = Math.PI / 180

/**
 * Nearest-segment index of one graph. Segment pieces (consecutive point pairs) go into a Flatbush
 * R-tree in a local equirectangular projection around the graph's centre (metres), so a snap is
 * one box search plus a few point-to-line projections. Distances and offsets are reported in
 * haversine metres, consistent with segment lengths. Ties go to the lower segment index.
 */
export class SnapIndex {
  private readonly tree: Flatbush | undefined
  private readonly pieceSegment: Uint32Array
  /** Offset of each piece's first point along its segment, metres. */
  private readonly pieceStartM: Float64Array
  private readonly pieceLengthM: Float64Array
  private readonly lon0: number
  private readonly lat0: number
  private readonly kx: number
  private readonly ky: number
  // best candidate of the running search (kept on the instance so a snap allocates little)
  private bestPiece = -1
  private bestD2 = Infinity
  private bestT = 0
  private qx = 0
  private qy = 0

  /** Indexes every segment of `graph`. */
  constructor(private readonly graph: StreetGraph) {
    const { coords, geometryStart, segmentCount } = graph
    const pieces = geometryStart[segmentCount]! - segmentCount
    this.pieceSegment = new Uint32Array(pieces)
    this.pieceStartM = new Float64Array(pieces)
    this.pieceLengthM = new Float64Array(pieces)
    let minLat = Infinity
    let maxLat = -Infinity
    let minLon = Infinity
    let maxLon = -Infinity
    for (let i = 1; i < coords.length; i += 2) {
      minLat = Math.min(minLat, coords[i]!)
      maxLat = Math.max(maxLat, coords[i]!)
      minLon = Math.min(minLon, coords[i - 1]!)
      maxLon = Math.max(maxLon, coords[i - 1]!)
    }
    this.lon0 = (minLon + maxLon) / 2
    this.lat0 = (minLat + maxLat) / 2
    this.ky = EARTH_RADIUS_M * RAD
    this.kx = this.ky * Math.cos(this.lat0 * RAD)
    this.tree = pieces > 0 ? new Flatbush(pieces) : undefined
    let p = 0
    for (let s = 0; s < segmentCount; s++) {
      let at = 0
      for (let i = geometryStart[s]!; i < geometryStart[s + 1]! - 1; i++) {
        const [x0, y0, x1, y1] = [
          coords[2 * i]!,
          coords[2 * i + 1]!,
          coords[2 * i + 2]!,
          coords[2 * i + 3]!,
        ]
        const length = haversineM(x0, y0, x1, y1)
        this.pieceSegment[p] = s
        this.pieceStartM[p] = at
        this.pieceLengthM[p] = length
        at += length
        const [ax, ay, bx, by] = [this.x(x0), this.y(y0), this.x(x1), this.y(y1)]
        this.tree!.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by))
        p++
      }
    }
    this.tree?.finish()
  }

  /**
   * The nearest segment within `radiusM` metres (default SNAP_RADIUS_M) of [lon, lat], or
   * undefined when there is none (use `nearest` to say how far the closest street is).
   */
  snap(lon: number, lat: number, radiusM: number = SNAP_RADIUS_M): Snap | undefined {
    const found = this.searchBox(lon, lat, radiusM * BOX_SLACK)
    return found !== undefined && found.distanceM <= radiusM ? found : undefined
  }

  /**
   * The nearest segment at any distance; undefined for a graph without segments, or for a query
   * that is not a finite [lon, lat] or lies so far off (|lon| ~ 1e150) that distances overflow.
   */
  nearest(lon: number, lat: number): Snap | undefined {
    if (this.tree === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) return undefined
    let half = 100
    let found = this.searchBox(lon, lat, half)
    // the box grows to cover every finite coordinate (half = Infinity) in under 520 rounds
    while (found === undefined && half < Infinity) {
      half *= 4
      found = this.searchBox(lon, lat, half)
    }
    if (found === undefined) return undefined // every distance overflowed
    // a closer piece may lie outside the first box's corners but within the found distance
    return this.searchBox(lon, lat, Math.sqrt(this.bestD2) * BOX_SLACK) ?? found
  }

  private searchBox(lon: number, lat: number, half: number): Snap | undefined {
    if (this.tree === undefined) return undefined
    this.qx = this.x(lon)
    this.qy = this.y(lat)
    this.bestPiece = -1
    this.bestD2 = Infinity
    const { qx, qy } = this
    this.tree.search(qx - half, qy - half, qx + half, qy + half, this.consider)
    if (this.bestPiece < 0) return undefined
    return this.snapOf(lon, lat)
  }

  private readonly consider = (piece: number): boolean => {
    const { coords } = this.graph
    const segment = this.pieceSegment[piece]!
    // segment s has one piece fewer than points, so piece p starts at point p + s
    const i = 2 * (piece + segment)
    const ax = this.x(coords[i]!)
    const ay = this.y(coords[i + 1]!)
    const dx = this.x(coords[i + 2]!) - ax
    const dy = this.y(coords[i + 3]!) - ay
    const len2 = dx * dx + dy * dy
    const t =
      len2 > 0 ? Math.min(1, Math.max(0, ((this.qx - ax) * dx + (this.qy - ay) * dy) / len2)) : 0
    const ex = ax + t * dx - this.qx
    const ey = ay + t * dy - this.qy
    const d2 = ex * ex + ey * ey
    const best = this.bestPiece
    if (d2 < this.bestD2 || (d2 === this.bestD2 && segment < this.pieceSegment[best]!)) {
      this.bestPiece = piece
      this.bestD2 = d2
      this.bestT = t
    }
    return false
  }

  private snapOf(lon: number, lat: number): Snap {
    const piece = this.bestPiece
    const t = this.bestT
    const { coords } = this.graph
    const segment = this.pieceSegment[piece]!
    const i = 2 * (piece + segment)
    const pLon = coords[i]! + (coords[i + 2]! - coords[i]!) * t
    const pLat = coords[i + 1]! + (coords[i + 3]! - coords[i + 1]!) * t
    const length = this.graph.segmentLengthM[segment]!
    const offsetM = Math.min(length, this.pieceStartM[piece]! + t * this.pieceLengthM[piece]!)
    return { segment, distanceM: haversineM(lon, lat, pLon, pLat), offsetM, point: [pLon, pLat] }
  }

  private x(lon: number): number {
    return (lon - this.lon0) * this.kx
  }

  private y(lat: number): number {
    return (lat - this.lat0) * this.ky
  }
}
