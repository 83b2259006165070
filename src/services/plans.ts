import { booleanPointInPolygon } from '@turf/turf'
import type { Polygon } from 'geojson'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { Database } from '../db/database.js'
import { findNetwork, findNetworkById, type Mode, type NetworkVersion } from '../db/networks.js'
import { findStation, insertPlan } from '../db/plans.js'
import { findSnapshot, type RiskSnapshot } from '../db/risk.js'
import type { PlanDocument, PlanStop, PlanUnit, Position } from '../exports/index.js'
import {
  findRoute,
  routeToLineString,
  type SegmentPosition,
  type StreetGraph,
} from '../network/index.js'
import { bucketIndexAt, bucketLayout, forEachBucketPiece, HOUR_OF_WEEK } from '../risk/index.js'
import { zoneClock } from '../time/index.js'
import {
  hourlyBuckets,
  planGraphOf,
  planPatrol,
  placesByWay,
  type DirectedStep,
  type PatrolPlan,
  type PlanGraph,
  type PlanOptions,
  type TravelMode,
} from '../routing/index.js'
import type { LoadedMode, NetworkCache } from './network-cache.js'
import { noteVisits, welfareReferrals } from './plan-reports.js'
import type { RiskContext, RiskService } from './risk.js'

/** Farthest a unit's start or end may lie from a street of its mode, metres. */
export const UNIT_SNAP_RADIUS_M = 1000

export type PlanRefusalCode =
  | 'network-not-found'
  | 'no-risk-snapshot'
  | 'too-far-from-street'
  | 'unknown-station'
  | 'unknown-segment'
  | 'invalid-plan-request'
  | 'end-unreachable'

/** The plan cannot be made; nothing was stored. */
export class PlanRefused extends Error {
  constructor(
    readonly code: PlanRefusalCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message)
    this.name = 'PlanRefused'
  }
}

export type UnitPoint =
  { readonly lon: number; readonly lat: number } | { readonly station: string }

export interface PlanInput {
  readonly network: string
  /**
   * The id of the version of `network` to plan on (schedule jobs: the version the week was staffed
   * on). Absent: the newest version of the name.
   */
  readonly networkId?: number
  readonly shiftStart: Date
  readonly shiftHours: number
  readonly units: readonly {
    readonly id: string
    readonly mode: TravelMode
    readonly start: UnitPoint
    readonly end?: UnitPoint
  }[]
  readonly dwellMinutes?: number
  readonly minRevisitMinutes?: number
  /** Dosage cap: most dwells on one segment per shift, all units together (default one per started hour). */
  readonly maxDwellsPerSegment?: number
  readonly explorationShare?: number
  readonly seed: number
  readonly include?: {
    readonly segments?: readonly string[]
    readonly polygons?: readonly Polygon[]
  }
  readonly suppress?: {
    readonly segments?: readonly string[]
    readonly polygons?: readonly Polygon[]
  }
  /** The risk snapshot's instant; default the latest at or before the shift start. */
  readonly asOf?: Date
}

export interface PlanContext {
  readonly db: Kysely<Database>
  readonly networks: NetworkCache
  readonly risk: RiskService
}

/** The search: a fixed iteration count keeps a seed's plan reproducible; the budget only guards. */
export interface PlanSearch {
  readonly iterationsPerUnit?: number
  readonly budgetMs?: number
  /**
   * Aborted when nobody waits for the plan any more (the client left, the request timed out): the
   * search stops early and createPlan stores nothing.
   */
  readonly signal?: AbortSignal
}

/** Local-search iterations per unit for API plans: deterministic; 4 Atlanta cars ≈ 0.6 s, 0.91 of the bound (bench). */
export const API_ITERATIONS_PER_UNIT = 80_000
/** The guard on an API plan's search: past it the best plan so far is returned, with a warning. */
export const API_BUDGET_MS = 30_000

async function resolvePoint(
  db: Kysely<Database>,
  network: string,
  point: UnitPoint,
  field: string,
): Promise<readonly [number, number]> {
  if ('station' in point) {
    const station = await findStation(db, network, point.station)
    if (!station)
      throw new PlanRefused(
        'unknown-station',
        `${field}: no station "${point.station}" in ${network}`,
        { field },
      )
    return [station.lon, station.lat]
  }
  return [point.lon, point.lat]
}

function snapUnitPoint(loaded: LoadedMode, [lon, lat]: readonly [number, number], field: string) {
  const snap = loaded.snapIndex.snap(lon, lat, UNIT_SNAP_RADIUS_M)
  if (snap) return snap
  const nearest = loaded.snapIndex.nearest(lon, lat)
  const distance = nearest ? `${(nearest.distanceM / 1000).toFixed(1)} km` : 'unknown'
  throw new PlanRefused(
    'too-far-from-street',
    `${field} (${lon}, ${lat}) is ${distance} from the nearest ${loaded.mode} street (limit ${UNIT_SNAP_RADIUS_M} m)`,
    {
      field,
      nearestStreetM: nearest ? Math.round(nearest.distanceM) : null,
    },
  )
}

/** The snapshot a plan reads: the one at `asOf`, or the latest at or before the shift start. */
async function planSnapshot(
  db: Kysely<Database>,
  network: NetworkVersion,
  input: PlanInput,
): Promise<RiskSnapshot> {
  const snapshot = await findSnapshot(db, {
    networkId: network.id,
    mode: 'drive',
    scheme: 'how',
    ...(input.asOf ? { asOf: input.asOf } : { atOrBefore: input.shiftStart }),
  })
  if (snapshot) return snapshot
  const when = input.asOf
    ? `as of ${input.asOf.toISOString()}`
    : `at or before ${input.shiftStart.toISOString()}`
  throw new PlanRefused(
    'no-risk-snapshot',
    `network ${network.name} has no risk snapshot ${when}: upload incidents, or POST /v1/risk/snapshots {"network":"${network.name}","asOf":"…"} (patrol risk snapshot)`,
  )
}

/**
 * Prizes per shift hour and place: shift hour h spans [start + h hours, min(start + (h + 1) hours,
 * shift end)) and gets each hour-of-week row it overlaps, weighted by the overlap in hours. A shift
 * starting at 07:30 thus gives its first hour half of how:7 plus half of how:8, and a short last
 * hour only the part of its hours the shift covers (a dwell collects a whole bucket).
 * Exported for tests.
 */
export function hourlyPrizes(
  snapshot: RiskSnapshot,
  risk: RiskContext,
  shiftStartMs: number,
  shiftHours: number,
): Float64Array[] {
  const layout = bucketLayout(HOUR_OF_WEEK)
  const clock = zoneClock(snapshot.timezone)
  const columns = snapshot.segmentSeqs.length
  // the snapshot row of each layout bucket (−1: the snapshot has none, no prize)
  const rowOf = layout.ids.map((id) => snapshot.bucketIds.indexOf(id))
  const places = snapshot.segmentSeqs.map((seq) => risk.riskIndexOf[seq]!)
  const shiftEndMs = shiftStartMs + shiftHours * 3_600_000
  const rows: Float64Array[] = []
  const buckets = hourlyBuckets(shiftHours)
  for (let h = 0; h < buckets.count; h++) {
    const from = shiftStartMs + h * 3_600_000
    const to = h === buckets.count - 1 ? shiftEndMs : from + 3_600_000
    const row = new Float64Array(risk.data.segments.length)
    forEachBucketPiece(layout, clock, from, to, (bucket, ms) => {
      const b = rowOf[bucket]!
      if (b < 0) return
      const weight = ms / 3_600_000
      for (let i = 0; i < columns; i++) {
        const place = places[i]!
        if (place >= 0) row[place] += snapshot.expected[b * columns + i]! * weight
      }
    })
    rows.push(row)
  }
  return rows
}

function placesIn(risk: RiskContext, spec: PlanInput['include'], field: string): number[] {
  if (!spec) return []
  const places = new Set<number>()
  const drive = risk.loaded
  for (const id of spec.segments ?? []) {
    const seq = drive.segmentIndex.get(id)
    const place = seq === undefined ? -1 : risk.riskIndexOf[seq]!
    if (place < 0)
      throw new PlanRefused('unknown-segment', `${field}: no patrollable drive segment "${id}"`, {
        field,
      })
    places.add(place)
  }
  for (const polygon of spec.polygons ?? []) {
    risk.data.segments.forEach((s, place) => {
      if (s.point && booleanPointInPolygon([s.point[0], s.point[1]], polygon)) places.add(place)
    })
  }
  return [...places].sort((a, b) => a - b)
}

/** A start that reaches fewer street nodes than this lies on an isolated piece of street. */
export const ISOLATED_START_NODES = 50

/** Whether fewer than `limit` nodes can be reached from `start` (forward, by the graph's edges). */
function reachesFewerNodes(graph: StreetGraph, start: SegmentPosition, limit: number): boolean {
  const seen = new Set<number>([graph.segmentTo[start.segment]!])
  if (graph.segmentOneway[start.segment] === 0) seen.add(graph.segmentFrom[start.segment]!)
  const stack = [...seen]
  while (stack.length > 0) {
    const v = stack.pop()!
    for (let e = graph.firstOut[v]!; e < graph.firstOut[v + 1]!; e++) {
      const head = graph.edgeHead[e]!
      if (seen.has(head)) continue
      seen.add(head)
      if (seen.size >= limit) return false
      stack.push(head)
    }
  }
  return seen.size < limit
}

/** Directed steps as [lon, lat] points, through the network core's geometry. */
function stepsLine(graph: StreetGraph, steps: readonly DirectedStep[]): Position[] {
  const route = {
    status: 'found' as const,
    cost: 0,
    lengthM: 0,
    steps: steps.map((s) => {
      const length = graph.segmentLengthM[s.segment]!
      const forward = s.direction === 'forward'
      return {
        segment: s.segment,
        forward,
        fromM: s.fromM ?? (forward ? 0 : length),
        toM: s.toM ?? (forward ? length : 0),
      }
    }),
  }
  return steps.length === 0
    ? []
    : (routeToLineString(graph, route)?.coordinates ?? []).map(([lon, lat]) => [lon, lat] as const)
}

/**
 * Makes a shift plan without storing it: snaps the units, reads the risk snapshot's hourly
 * prizes, runs the planner; welfare reports near the patrols become outreach referrals.
 * @throws PlanRefused with a stable code; RangeError for a malformed request.
 */
export async function makePlan(
  ctx: PlanContext,
  input: PlanInput,
  search: PlanSearch = {},
): Promise<{ document: PlanDocument; networkId: number }> {
  const network =
    input.networkId === undefined
      ? await findNetwork(ctx.db, input.network)
      : await findNetworkById(ctx.db, input.networkId)
  if (!network || network.name !== input.network)
    throw new PlanRefused(
      'network-not-found',
      input.networkId === undefined
        ? `no network named "${input.network}"`
        : `no version of network "${input.network}" with id ${input.networkId}`,
    )
  const snapshot = await planSnapshot(ctx.db, network, input)
  const risk = await ctx.risk.context(network, 'drive')
  const modes = new Set(input.units.map((u) => u.mode))
  const loaded: Partial<Record<Mode, LoadedMode>> = {}
  const graphs: Partial<Record<TravelMode, PlanGraph>> = {}
  for (const mode of modes) {
    const m = await ctx.networks.mode(network, mode)
    loaded[mode] = m
    const placeOf =
      mode === 'drive'
        ? risk.riskIndexOf
        : placesByWay(
            risk.data.segments.map((s) => risk.loaded.segments[risk.seqOf[s.index]!]!),
            m.segments,
          )
    graphs[mode] = planGraphOf(m.graph, mode, placeOf)
  }
  const units = []
  const points: { start: readonly [number, number]; end: readonly [number, number] }[] = []
  const warnings: PlanDocument['warnings'][number][] = []
  for (const [i, unit] of input.units.entries()) {
    const start = await resolvePoint(ctx.db, network.name, unit.start, `units[${i}].start`)
    const end = unit.end
      ? await resolvePoint(ctx.db, network.name, unit.end, `units[${i}].end`)
      : start
    const a = snapUnitPoint(loaded[unit.mode]!, start, `units[${i}].start`)
    const b = snapUnitPoint(loaded[unit.mode]!, end, `units[${i}].end`)
    const graph = loaded[unit.mode]!.graph
    // a plan never returns there: its return time would be infinite
    if (findRoute(graph, a, b).status !== 'found')
      throw new PlanRefused(
        'end-unreachable',
        `units[${i}].end cannot be reached from units[${i}].start on the ${unit.mode} network: they lie on separate pieces of street`,
        { field: `units[${i}].end`, unitId: unit.id },
      )
    if (reachesFewerNodes(graph, a, ISOLATED_START_NODES))
      warnings.push({
        code: 'start-isolated',
        unitId: unit.id,
        message: `Unit ${unit.id} starts on an isolated piece of ${unit.mode} street (fewer than ${ISOLATED_START_NODES} intersections within reach): check its start position.`,
      })
    points.push({ start: a.point, end: b.point })
    units.push({
      id: unit.id,
      mode: unit.mode,
      start: { segment: a.segment, offsetM: a.offsetM },
      end: { segment: b.segment, offsetM: b.offsetM },
    })
  }
  const shiftStartMs = input.shiftStart.getTime()
  const options: PlanOptions = {
    signal: search.signal,
    now: () => performance.now(),
    budgetMs: search.budgetMs ?? API_BUDGET_MS,
    iterations: (search.iterationsPerUnit ?? API_ITERATIONS_PER_UNIT) * input.units.length,
  }
  const plan = await planPatrol(
    {
      graphs,
      shiftStartMs,
      shiftHours: input.shiftHours,
      units,
      prizes: hourlyPrizes(snapshot, risk, shiftStartMs, input.shiftHours),
      dwellMinutes: input.dwellMinutes,
      minRevisitMinutes: input.minRevisitMinutes,
      maxDwellsPerPlace: input.maxDwellsPerSegment,
      explorationShare: input.explorationShare,
      seed: input.seed,
      include: placesIn(risk, input.include, 'include'),
      suppress: placesIn(risk, input.suppress, 'suppress'),
    },
    options,
  )
  const made = toDocument(network, snapshot, input, plan, loaded, points)
  const document = { ...made, warnings: [...warnings, ...made.warnings] }
  const outreach = await welfareReferrals(ctx.db, network.name, document)
  return { document: { ...document, outreach }, networkId: network.id }
}

/**
 * Makes a shift plan and stores it (one row) with the status notes of the open reports near its
 * dwells, in one transaction. When `search.signal` aborts before the commit (the client left, the
 * request timed out) nothing is stored.
 * @throws PlanRefused with a stable code (nothing stored); RangeError for a malformed request;
 *   the signal's reason when it aborted (nothing stored).
 */
export async function createPlan(
  ctx: PlanContext,
  input: PlanInput,
  search: PlanSearch = {},
  apiKeyId: string | null = null,
): Promise<PlanDocument> {
  const { document, networkId } = await makePlan(ctx, input, search)
  search.signal?.throwIfAborted()
  await ctx.db.transaction().execute(async (trx) => {
    await insertPlan(trx, { document, networkId, request: planRequestJson(input), apiKeyId })
    await noteVisits(trx, document.network, document)
    // the last moment to give up: throwing here rolls the plan and its notes back
    search.signal?.throwIfAborted()
  })
  return document
}

/** The request as stored beside the plan (dates as ISO text). */
export function planRequestJson(input: PlanInput): object {
  return { ...input, shiftStart: input.shiftStart.toISOString(), asOf: input.asOf?.toISOString() }
}

function toDocument(
  network: NetworkVersion,
  snapshot: RiskSnapshot,
  input: PlanInput,
  plan: PatrolPlan,
  loaded: Partial<Record<Mode, LoadedMode>>,
  points: readonly { start: readonly [number, number]; end: readonly [number, number] }[],
): Omit<PlanDocument, 'outreach'> {
  const layout = bucketLayout(HOUR_OF_WEEK)
  const clock = zoneClock(snapshot.timezone)
  const iso = (ms: number) => new Date(ms).toISOString()
  const units: PlanUnit[] = plan.units.map((u, i) => {
    const m = loaded[u.mode]!
    const stops: PlanStop[] = u.stops.map((s, seq) => {
      const segment = m.segments[s.segment]!
      const middle = segment.geometry[Math.floor(segment.geometry.length / 2)]!
      const dwelt: DirectedStep = { segment: s.segment, direction: s.direction }
      return {
        seq: seq + 1,
        segmentId: segment.id,
        street: segment.name,
        position: [middle[0], middle[1]],
        arrive: iso(s.arriveMs),
        leave: iso(s.leaveMs),
        bucket: layout.ids[bucketIndexAt(layout, clock, s.arriveMs)]!,
        // minutes come from millisecond sums: 11.999999999999998 is 12
        dwellMinutes: Math.round(s.dwellMinutes * 1000) / 1000,
        expectedCrimes: s.expectedCrimes,
        kind: s.kind,
        reason: s.reason,
        path: stepsLine(m.graph, [...s.approach, dwelt]),
      }
    })
    return {
      id: u.unitId,
      mode: u.mode,
      start: points[i]!.start,
      end: points[i]!.end,
      stops,
      returnPath: stepsLine(m.graph, u.returnPath),
      returnAt: iso(u.returnMs),
      km: u.km,
      travelMinutes: u.travelMinutes,
      dwellMinutes: u.dwellMinutes,
      value: u.value,
    }
  })
  return {
    id: uuidv7(),
    network: network.name,
    version: network.version,
    timezone: snapshot.timezone,
    shiftStart: iso(plan.shiftStartMs),
    shiftEnd: iso(plan.shiftEndMs),
    riskAsOf: snapshot.asOf.toISOString(),
    seed: input.seed,
    createdAt: new Date().toISOString(),
    units,
    totals: plan.totals,
    warnings: plan.warnings.map((w) => ({
      code: w.code,
      message: w.message,
      ...(w.unitId ? { unitId: w.unitId } : {}),
    })),
    search: plan.search,
  }
}
