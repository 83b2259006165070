import { haversineM } from './haversine.js'
import { isWayKept, wayDirection, waySpeedKmh } from './osm-tags.js'
import type { Profile } from './profiles.js'
import { findNode, type OsmExtract, type OsmWay } from './read-osm.js'
import type { Bbox, LonLat, ModeTotals, SegmentSet, StreetSegment } from './street-segment.js'

/**
 * Cuts the ways a profile keeps into segments between intersections: a way is split at its ends
 * and at every node referenced two or more times by kept ways (a way crossing itself counts).
 * Nodes missing from the file split a way too (the piece across the gap is dropped).
 * Segments come sorted by way id, then along the way. Never throws; no kept way gives no segments.
 */
export function buildSegments(extract: OsmExtract, profile: Profile): SegmentSet {
  const ways = extract.ways
    .filter((way) => isWayKept(way.tags, profile))
    .sort((a, b) => a.id - b.id)
  const runs = ways.map((way) => resolveRuns(extract, way))
  const refCount = new Uint32Array(extract.nodeIds.length)
  for (const wayRuns of runs) for (const run of wayRuns) for (const n of run) refCount[n]!++
  const segments: StreetSegment[] = []
  const seen = new Map<string, number>()
  ways.forEach((way, w) => {
    for (const run of runs[w]!) {
      let start = 0
      for (let i = 1; i < run.length; i++) {
        if (i < run.length - 1 && refCount[run[i]!]! < 2) continue
        segments.push(makeSegment(extract, way, run.subarray(start, i + 1), profile, seen))
        start = i
      }
    }
  })
  return {
    mode: profile.mode,
    profile: profile.name,
    segments,
    totals: totalsOf(segments, ways.length),
    bbox: bboxOf(segments),
  }
}

function resolveRuns(extract: OsmExtract, way: OsmWay): Int32Array[] {
  const indexes = Int32Array.from(way.refs, (id) => findNode(extract, id))
  if (!indexes.includes(-1)) return indexes.length >= 2 ? [indexes] : []
  const runs: Int32Array[] = []
  let start = 0
  for (let i = 0; i <= indexes.length; i++) {
    if (i < indexes.length && indexes[i] !== -1) continue
    if (i - start >= 2) runs.push(indexes.subarray(start, i))
    start = i + 1
  }
  return runs
}

function makeSegment(
  extract: OsmExtract,
  way: OsmWay,
  nodes: Int32Array,
  profile: Profile,
  seen: Map<string, number>,
): StreetSegment {
  const direction = wayDirection(way.tags, profile)
  const ordered = direction === 'backward' ? nodes.slice().reverse() : nodes
  const geometry: LonLat[] = []
  let lengthM = 0
  for (let i = 0; i < ordered.length; i++) {
    const n = ordered[i]!
    geometry.push([extract.lons[n]!, extract.lats[n]!])
    if (i > 0) {
      const p = ordered[i - 1]!
      lengthM += haversineM(extract.lons[p]!, extract.lats[p]!, extract.lons[n]!, extract.lats[n]!)
    }
  }
  const fromNodeId = extract.nodeIds[ordered[0]!]!
  const toNodeId = extract.nodeIds[ordered[ordered.length - 1]!]!
  const base = `w${way.id}:${fromNodeId}-${toNodeId}`
  const repeat = (seen.get(base) ?? 0) + 1
  seen.set(base, repeat)
  return {
    id: repeat === 1 ? base : `${base}:${repeat}`,
    wayId: way.id,
    highway: way.tags.highway!,
    name: way.tags.name ?? null,
    lengthM,
    speedKmh: waySpeedKmh(way.tags, profile),
    oneway: direction !== 'both',
    fromNodeId,
    toNodeId,
    geometry,
  }
}

function totalsOf(segments: readonly StreetSegment[], ways: number): ModeTotals {
  const nodes = new Set<number>()
  let onewaySegments = 0
  let metres = 0
  for (const s of segments) {
    nodes.add(s.fromNodeId)
    nodes.add(s.toNodeId)
    if (s.oneway) onewaySegments++
    metres += s.lengthM
  }
  return {
    ways,
    segments: segments.length,
    onewaySegments,
    directedEdges: 2 * segments.length - onewaySegments,
    nodes: nodes.size,
    km: metres / 1000,
  }
}

/** [w, s, e, n] over every segment point, or undefined for no segments. */
export function bboxOf(segments: readonly StreetSegment[]): Bbox | undefined {
  if (segments.length === 0) return undefined
  let w = Infinity
  let s = Infinity
  let e = -Infinity
  let n = -Infinity
  for (const segment of segments) {
    for (const [lon, lat] of segment.geometry) {
      if (lon < w) w = lon
      if (lon > e) e = lon
      if (lat < s) s = lat
      if (lat > n) n = lat
    }
  }
  return [w, s, e, n]
}
