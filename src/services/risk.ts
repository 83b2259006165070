import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { listLayerReports, reportStamp } from '../db/reports.js'
import { listServiceTypes } from '../db/report-types.js'
import type { Mode, NetworkVersion } from '../db/networks.js'
import {
  findRiskConfig,
  incidentStamp,
  loadSnappedIncidents,
  saveSnapshot,
  type RiskSnapshot,
  type Scheme,
} from '../db/risk.js'
import {
  forecastEachBucket,
  HOUR_OF_WEEK,
  knownAtMs,
  resolveScorerParams,
  RiskModel,
  type CrimeAgainst,
  type RiskData,
  type RiskSegment,
  type ScorerParams,
} from '../risk/index.js'
import type { LoadedMode, NetworkCache } from './network-cache.js'

/** Road classes nobody patrols on: crimes snapped to them are not scored (research note §6). */
const NOT_PATROLLED = new Set(['motorway', 'motorway_link', 'trunk', 'trunk_link'])

/** Everything the risk core needs for one network version and mode, built from the database. */
export interface RiskContext {
  readonly network: NetworkVersion
  readonly loaded: LoadedMode
  /** The scored segments; `segments[i].index === i`. */
  readonly data: RiskData
  /** Graph segment index of each risk segment. */
  readonly seqOf: Uint32Array
  /** Risk segment index of each graph segment, −1 for segments not scored. */
  readonly riskIndexOf: Int32Array
  /** The network's configured scorer parameters (defaults where not tuned). */
  readonly params: ScorerParams
  readonly paramsSource: string
  readonly timezone: string
  /** Incidents snapped to unscored (motorway/trunk) segments. */
  readonly skippedIncidents: number
}

/** Raised when a network has no time zone yet (import it with one, or upload incidents first). */
export class TimezoneUnknownError extends Error {
  readonly code = 'timezone-unknown'
}

function riskSegmentsOf(loaded: LoadedMode): {
  segments: RiskSegment[]
  seqOf: Uint32Array
  riskIndexOf: Int32Array
} {
  const riskIndexOf = new Int32Array(loaded.segments.length).fill(-1)
  const seqs: number[] = []
  const segments: RiskSegment[] = []
  loaded.segments.forEach((s, seq) => {
    if (loaded.mode === 'drive' && NOT_PATROLLED.has(s.highway)) return
    riskIndexOf[seq] = segments.length
    seqs.push(seq)
    const middle = s.geometry[Math.floor(s.geometry.length / 2)]!
    segments.push({
      index: segments.length,
      id: s.id,
      lengthM: s.lengthM,
      highway: s.highway,
      point: middle,
      fromNodeId: s.fromNodeId,
      toNodeId: s.toNodeId,
    })
  })
  return { segments, seqOf: Uint32Array.from(seqs), riskIndexOf }
}

/**
 * Keeps only the segments with some expected crime (a snapshot of a city is mostly zeros: on
 * Atlanta foot 1,915 of 12,705 segments), bucket-major as before.
 */
function nonzeroColumns(
  dense: Float32Array,
  n: number,
  buckets: number,
): { columns: number[]; expected: Float32Array } {
  const columns: number[] = []
  for (let u = 0; u < n; u++) {
    for (let b = 0; b < buckets; b++) {
      if (dense[b * n + u]! > 0) {
        columns.push(u)
        break
      }
    }
  }
  const expected = new Float32Array(buckets * columns.length)
  for (let b = 0; b < buckets; b++) {
    columns.forEach((u, i) => (expected[b * columns.length + i] = dense[b * n + u]!))
  }
  return { columns, expected }
}

/**
 * Risk contexts per network version and mode, rebuilt when the network's incidents change
 * (an upload), and snapshots computed from them.
 */
export class RiskService {
  private readonly contexts = new Map<string, { stamp: string; context: Promise<RiskContext> }>()

  constructor(
    private readonly db: Kysely<Database>,
    private readonly networks: NetworkCache,
  ) {}

  /** The scored segments and snapped incidents of a network version and mode. */
  async context(network: NetworkVersion, mode: Mode): Promise<RiskContext> {
    const key = `${network.id}:${mode}`
    const stamp = [
      await incidentStamp(this.db, network.name),
      (await findRiskConfig(this.db, network.name))?.updated_at.getTime() ?? 0,
      await reportStamp(this.db, network.name),
    ].join(':')
    const cached = this.contexts.get(key)
    if (cached && cached.stamp === stamp) return cached.context
    // a context holds its version's graph: drop those of versions the network cache let go
    for (const other of [...this.contexts.keys()])
      if (other !== key && !this.networks.holds(Number(other.split(':')[0])))
        this.contexts.delete(other)
    const context = this.build(network, mode)
    this.contexts.set(key, { stamp, context })
    context.catch(() => this.contexts.delete(key))
    return context
  }

  private async build(network: NetworkVersion, mode: Mode): Promise<RiskContext> {
    if (!network.timezone) {
      throw new TimezoneUnknownError(
        `network ${network.name} has no time zone: import it with --timezone, or upload incidents (their profile names one)`,
      )
    }
    const loaded = await this.networks.mode(network, mode)
    const { segments, seqOf, riskIndexOf } = riskSegmentsOf(loaded)
    const rows = await loadSnappedIncidents(this.db, network.name, network.id, mode)
    let skippedIncidents = 0
    const incidents = []
    for (const r of rows) {
      const seq = loaded.segmentIndex.get(r.segment_id)
      const index = seq === undefined ? -1 : riskIndexOf[seq]!
      if (index < 0) {
        skippedIncidents++
        continue
      }
      incidents.push({
        segmentIndex: index,
        occurredFromMs: r.occurred_from.getTime(),
        occurredToMs: r.occurred_to.getTime(),
        reportedAtMs: r.reported_at?.getTime() ?? null,
        category: r.category,
        crimeAgainst: r.crime_against as CrimeAgainst,
        enforcement: r.enforcement,
      })
    }
    const config = await findRiskConfig(this.db, network.name)
    const layer =
      mode === 'drive'
        ? await this.reportLayer(network.name, loaded, riskIndexOf)
        : { reports: [], weights: {} }
    return {
      network,
      loaded,
      data: { segments, incidents, reports: layer.reports },
      seqOf,
      riskIndexOf,
      params: resolveScorerParams({
        ...((config?.params ?? {}) as Partial<ScorerParams>),
        reports: layer.weights,
      }),
      paramsSource: config?.source ?? 'defaults',
      timezone: network.timezone,
      skippedIncidents,
    }
  }

  /**
   * Resident reports of the types whose risk layer is on (never welfare, never spam or a counted
   * duplicate), on the drive segments they snapped to, with each type's weight and cap.
   */
  private async reportLayer(networkName: string, loaded: LoadedMode, riskIndexOf: Int32Array) {
    const types = (await listServiceTypes(this.db)).filter((t) => t.risk.enabled && !t.welfare)
    if (types.length === 0) return { reports: [], weights: {} }
    const rows = await listLayerReports(
      this.db,
      networkName,
      types.map((t) => t.code),
    )
    const reports = rows.flatMap((r) => {
      const seq = loaded.segmentIndex.get(r.segment_id!)
      const index = seq === undefined ? -1 : riskIndexOf[seq]!
      return index < 0
        ? []
        : [{ segmentIndex: index, reportedAtMs: r.requested_at.getTime(), type: r.service_code }]
    })
    return {
      reports,
      weights: Object.fromEntries(
        types.map((t) => [t.code, { weight: t.risk.weight, cap: t.risk.cap }]),
      ),
    }
  }

  /** A risk model with the context's incidents and reports, moved to `asOfMs`. */
  model(context: RiskContext, params: ScorerParams, asOfMs: number): RiskModel {
    const model = new RiskModel(context.data.segments, params, { timeZone: context.timezone })
    model.addIncidents(context.data.incidents)
    if (context.data.reports) model.addReports(context.data.reports)
    model.advanceTo(asOfMs)
    return model
  }

  /** The configured parameters with the given bucket scheme (hour-of-week for plan prizes). */
  paramsFor(context: RiskContext, scheme: Scheme): ScorerParams {
    return scheme === 'how'
      ? resolveScorerParams({ ...context.params, buckets: HOUR_OF_WEEK })
      : context.params
  }

  /**
   * Forecasts every bucket of a scheme as of an instant and stores it: per segment, the expected
   * victim-reported crimes in the next occurrence of each bucket.
   */
  async computeSnapshot(
    network: NetworkVersion,
    mode: Mode,
    scheme: Scheme,
    asOf: Date,
    trigger: string,
  ): Promise<RiskSnapshot> {
    const context = await this.context(network, mode)
    const params = this.paramsFor(context, scheme)
    const model = this.model(context, params, asOf.getTime())
    const { expected: dense, totals } = forecastEachBucket(model)
    const { columns, expected } = nonzeroColumns(dense, context.data.segments.length, totals.length)
    const snapshot = {
      networkId: network.id,
      mode,
      scheme,
      asOf,
      computedAt: new Date(),
      trigger,
      timezone: context.timezone,
      params,
      incidentCount: context.data.incidents.filter((i) => knownAtMs(i) <= asOf.getTime()).length,
      segmentSeqs: columns.map((u) => context.seqOf[u]!),
      bucketIds: [...model.layout.ids],
      bucketTotals: [...totals],
      expected,
    }
    const id = await saveSnapshot(this.db, snapshot)
    return { id, ...snapshot }
  }

  /** Both schemes for both modes: what an upload triggers. */
  async refreshSnapshots(
    network: NetworkVersion,
    asOf: Date,
    trigger: string,
  ): Promise<RiskSnapshot[]> {
    const out: RiskSnapshot[] = []
    for (const mode of ['drive', 'foot'] as const) {
      for (const scheme of ['shift', 'how'] as const)
        out.push(await this.computeSnapshot(network, mode, scheme, asOf, trigger))
    }
    return out
  }
}
