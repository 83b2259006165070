import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { findNetwork } from '../db/networks.js'
import { normaliseStreet, parseAddress } from '../reports/index.js'
import type { NetworkCache, LoadedMode } from './network-cache.js'
import type { Placement } from './report-intake.js'

/** Reports snap to the nearest drive segment within this distance, metres (as incidents do). */
export const REPORT_SNAP_RADIUS_M = 60

function geocodeOn(loaded: LoadedMode, address: string): { lat: number; lon: number } | undefined {
  const parsed = parseAddress(address)
  if (!parsed) return undefined
  const named = (street: string) =>
    loaded.segments.flatMap((s, i) => (s.name && normaliseStreet(s.name) === street ? [i] : []))
  if (parsed.kind === 'intersection') {
    const [a, b] = parsed.streets.map(named)
    const nodesOfB = new Set(
      b!.flatMap((i) => [loaded.segments[i]!.fromNodeId, loaded.segments[i]!.toNodeId]),
    )
    for (const i of a!) {
      const s = loaded.segments[i]!
      if (nodesOfB.has(s.fromNodeId)) return { lon: s.geometry[0]![0], lat: s.geometry[0]![1] }
      if (nodesOfB.has(s.toNodeId))
        return { lon: s.geometry.at(-1)![0], lat: s.geometry.at(-1)![1] }
    }
    return undefined
  }
  // a street alone: the middle of its middle segment (in id order), said to be approximate by the address kept
  const segments = named(parsed.street).sort((x, y) =>
    loaded.segments[x]!.id < loaded.segments[y]!.id ? -1 : 1,
  )
  if (segments.length === 0) return undefined
  const g = loaded.segments[segments[Math.floor(segments.length / 2)]!]!.geometry
  const [lon, lat] = g[Math.floor(g.length / 2)]!
  return { lon, lat }
}

/** Where reports land: geocoding on the network's street names, snapping to its drive segments. */
export function reportPlacement(db: Kysely<Database>, networks: NetworkCache): Placement {
  const drive = async (name: string) => {
    const network = await findNetwork(db, name)
    return network ? networks.mode(network, 'drive') : undefined
  }
  return {
    async geocode(name, address) {
      const loaded = await drive(name)
      return loaded && geocodeOn(loaded, address)
    },
    async snap(name, lat, lon) {
      const loaded = await drive(name)
      const snap = loaded?.snapIndex.snap(lon, lat, REPORT_SNAP_RADIUS_M)
      return (
        snap && { segmentId: loaded!.graph.segmentIds[snap.segment]!, distanceM: snap.distanceM }
      )
    },
  }
}
