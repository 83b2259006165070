import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import {
  DRIVE,
  FOOT,
  SnapIndex,
  buildStreetGraph,
  importNetwork,
  type StreetGraph,
  type StreetSegment,
} from '../../src/network/index.js'
import {
  HOUR_OF_WEEK,
  RiskModel,
  forecastWindow,
  resolveScorerParams,
} from '../../src/risk/index.js'
import { zoneClock } from '../../src/time/index.js'
import { planGraphOf, placesByWay } from '../../src/routing/from-network.js'
import { hourlyBuckets, type PlanGraph, type SegmentPosition } from '../../src/routing/index.js'
import { ATLANTA_DIR, ATLANTA_TZ, loadAtlanta, type AtlantaData } from './risk-atlanta.js'

/** Everything the plan bench needs for Atlanta. */
export interface PlanCity {
  readonly data: AtlantaData
  /** Places = the risk core's scored segments (drive minus motorway/trunk). */
  readonly drive: PlanGraph
  readonly foot: PlanGraph
  readonly driveGraph: StreetGraph
  readonly footGraph: StreetGraph
  readonly snapDrive: (lon: number, lat: number) => SegmentPosition
  readonly snapFoot: (lon: number, lat: number) => SegmentPosition
  readonly model: RiskModel
}

/**
 * Atlanta for planning: the risk core's evaluation data (network, COBRA incidents via the ingest
 * core, snapped), the whole drive network as the cars' graph (motorways carry traffic but are not
 * places), the foot network with places mapped by OSM way, and an hour-of-week risk model.
 */
export async function loadPlanCity(preloaded?: AtlantaData): Promise<PlanCity> {
  const data = preloaded ?? (await loadAtlanta())
  const network = await importNetwork(
    createReadStream(join(ATLANTA_DIR, 'central-atlanta-filtered.osm.pbf')),
    { profiles: [DRIVE, FOOT] },
  )
  const [driveSegments, footSegments] = network.sets.map((set) => set.segments)
  const placeOfId = new Map(data.segments.map((s) => [s.id, s.index]))
  const scored: StreetSegment[] = driveSegments.filter((s) => placeOfId.has(s.id))
  const driveGraph = buildStreetGraph(driveSegments)
  const footGraph = buildStreetGraph(footSegments)
  const drivePlaces = Int32Array.from(driveSegments, (s) => placeOfId.get(s.id) ?? -1)
  const scoredInPlaceOrder = [...scored].sort((a, b) => placeOfId.get(a.id)! - placeOfId.get(b.id)!)
  const footPlaces = placesByWay(scoredInPlaceOrder, footSegments)
  const model = new RiskModel(data.segments, resolveScorerParams({ buckets: HOUR_OF_WEEK }), {
    timeZone: ATLANTA_TZ,
  })
  model.addIncidents(data.incidents)
  return {
    data,
    drive: planGraphOf(driveGraph, 'drive', drivePlaces),
    foot: planGraphOf(footGraph, 'foot', footPlaces),
    driveGraph,
    footGraph,
    snapDrive: snapper(driveGraph),
    snapFoot: snapper(footGraph),
    model,
  }
}

function snapper(graph: StreetGraph) {
  const index = new SnapIndex(graph)
  return (lon: number, lat: number): SegmentPosition => {
    const hit = index.snap(lon, lat, 500)
    if (!hit) throw new Error(`Nothing within 500 m of ${lon}, ${lat}.`)
    return { segment: hit.segment, offsetM: hit.offsetM }
  }
}

/** Local midnight (UTC ms) of a 2022 calendar day in Atlanta. */
export function atlantaMidnight(year: number, month: number, day: number): number {
  const clock = zoneClock(ATLANTA_TZ)
  return clock.toUtcMs(Date.UTC(year, month - 1, day))
}

/**
 * Hourly prizes for a shift: expected victim-reported crimes per place in each hour, from the risk
 * model advanced to `asOfMs` (the model only moves forward: call in time order).
 */
export function hourlyPrizes(
  model: RiskModel,
  asOfMs: number,
  shiftStartMs: number,
  hours: number,
): Float64Array[] {
  model.advanceTo(asOfMs)
  const endMs = shiftStartMs + hours * 3_600_000
  return Array.from({ length: hourlyBuckets(hours).count }, (_, h) => {
    const from = shiftStartMs + h * 3_600_000
    // the last hour is clipped at the shift end, as the service's prizes are
    return forecastWindow(model, from, Math.min(from + 3_600_000, endMs)).expected
  })
}
