import { bboxOf, buildSegments } from './build-segments.js'
import { NetworkImportError } from './errors.js'
import { DRIVE, FOOT, type Profile } from './profiles.js'
import { readOsm, type OsmExtract } from './read-osm.js'
import type { Bbox, SegmentSet } from './street-segment.js'

/** A street network read from one OSM file: one segment set per profile. */
export interface NetworkImport {
  readonly osm: OsmExtract['counts']
  /** [w, s, e, n] over the segments of every set. */
  readonly bbox: Bbox
  /** In the order of `options.profiles`. */
  readonly sets: readonly SegmentSet[]
  /** Milliseconds spent reading the PBF and cutting segments (`now` is an input: cores keep no clock). */
  readonly timings?: { readonly readMs: number; readonly segmentsMs: number }
}

/** Options of importNetwork. */
export interface ImportOptions {
  /** Default [DRIVE, FOOT]. */
  readonly profiles?: readonly Profile[]
  /** A clock for `timings` (e.g. `() => performance.now()`); no timings without it. */
  readonly now?: () => number
}

/**
 * OSM PBF stream → segment records per profile (what the database stores). Throws
 * NetworkImportError: the reader's codes, and 'no-highways' when no profile keeps a single way.
 */
export async function importNetwork(
  source: AsyncIterable<Uint8Array>,
  options: ImportOptions = {},
): Promise<NetworkImport> {
  const { profiles = [DRIVE, FOOT], now } = options
  const t0 = now?.() ?? 0
  const extract = await readOsm(source)
  const t1 = now?.() ?? 0
  const sets = profiles.map((profile) => buildSegments(extract, profile))
  const t2 = now?.() ?? 0
  const all = sets.flatMap((set) => set.segments)
  const bbox = bboxOf(all)
  if (bbox === undefined) {
    throw new NetworkImportError(
      'no-highways',
      `The file has ${extract.counts.ways} ways (${extract.counts.highwayWays} tagged highway) but none is a street for ${profiles.map((p) => p.name).join(', ')} - export an extract that includes highway=* ways.`,
    )
  }
  const timings = now === undefined ? undefined : { readMs: t1 - t0, segmentsMs: t2 - t1 }
  return { osm: extract.counts, bbox, sets, ...(timings && { timings }) }
}
