import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { ingestIncidents } from '../../src/ingest/index.js'
import {
  DRIVE,
  SNAP_RADIUS_M,
  SnapIndex,
  buildStreetGraph,
  importNetwork,
} from '../../src/network/index.js'
import {
  ATLANTA_DIR,
  COBRA_FILES,
  UNSCORED_HIGHWAYS,
  loadAtlanta,
  type AtlantaData,
} from './risk-atlanta.js'

/** The Atlanta evaluation set plus the APD neighbourhood of every scored segment. */
export interface FeedbackCity {
  readonly data: AtlantaData
  /** Neighbourhood names, sorted. */
  readonly hoods: ReadonlyArray<string>
  /** Index into `hoods` per segment. */
  readonly hoodOf: Int32Array
  /** Segments whose neighbourhood came from their own incidents (the rest: nearest such segment). */
  readonly labelledSegments: number
}

// same fixed "now" as risk-atlanta.ts, so both passes accept the same rows
const INGEST_NOW = Date.parse('2023-01-01T00:00:00Z')

/**
 * `loadAtlanta()` plus a second ingest pass that reads the APD `neighborhood` column: each segment
 * takes the most frequent neighbourhood of the incidents snapped onto it (ties: first by name); a
 * segment without incidents takes that of the nearest labelled segment midpoint.
 */
export async function loadFeedbackCity(): Promise<FeedbackCity> {
  const data = await loadAtlanta()
  const votes = await neighbourhoodVotes(data)
  const hoods = [...new Set([...votes.values()].flatMap((v) => [...v.keys()]))].sort()
  const hoodIndex = new Map(hoods.map((h, i) => [h, i]))
  const hoodOf = new Int32Array(data.segments.length).fill(-1)
  for (const [u, counts] of votes) {
    const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]
    hoodOf[u] = hoodIndex.get(best[0]) as number
  }
  const labelled = data.segments.filter((s) => hoodOf[s.index] >= 0)
  if (labelled.length === 0) throw new Error('No Atlanta incident carries a neighbourhood.')
  for (const s of data.segments) {
    if (hoodOf[s.index] < 0) hoodOf[s.index] = hoodOf[nearest(s.point!, labelled).index]
  }
  return { data, hoods, hoodOf, labelledSegments: labelled.length }
}

// re-snaps the five files on the same scored network; votes per segment index
async function neighbourhoodVotes(data: AtlantaData): Promise<Map<number, Map<string, number>>> {
  const network = await importNetwork(
    createReadStream(join(ATLANTA_DIR, 'central-atlanta-filtered.osm.pbf')),
    { profiles: [DRIVE] },
  )
  const scored = network.sets[0].segments.filter((s) => !UNSCORED_HIGHWAYS.has(s.highway))
  if (scored.some((s, i) => data.segments[i]?.id !== s.id)) {
    throw new Error('The second network import differs from loadAtlanta() - same PBF expected.')
  }
  const snapIndex = new SnapIndex(buildStreetGraph(scored))
  const snap = (lon: number, lat: number) => {
    const hit = snapIndex.snap(lon, lat, SNAP_RADIUS_M)
    return hit && { segmentId: String(hit.segment), distanceM: hit.distanceM }
  }
  const votes = new Map<number, Map<string, number>>()
  for (const file of COBRA_FILES) {
    const run = ingestIncidents(createReadStream(join(ATLANTA_DIR, file)), {
      profile: 'auto',
      now: INGEST_NOW,
      bbox: network.bbox,
      snap,
    })
    for await (const batch of run) {
      for (const incident of batch.incidents) {
        if (incident.segmentId === null || !incident.neighbourhood) continue
        const u = Number(incident.segmentId)
        const counts = votes.get(u) ?? new Map<string, number>()
        counts.set(incident.neighbourhood, (counts.get(incident.neighbourhood) ?? 0) + 1)
        votes.set(u, counts)
      }
    }
  }
  return votes
}

function nearest<T extends { readonly point?: readonly [number, number] }>(
  at: readonly [number, number],
  candidates: ReadonlyArray<T>,
): T {
  const cosLat = Math.cos((at[1] * Math.PI) / 180)
  let best = candidates[0]
  let bestD = Infinity
  for (const c of candidates) {
    const dx = (c.point![0] - at[0]) * cosLat
    const dy = c.point![1] - at[1]
    const d = dx * dx + dy * dy
    if (d < bestD) {
      bestD = d
      best = c
    }
  }
  return best
}
