import { aoristicDecay } from '../aoristic.js'
import { knownOccurredToMs } from '../availability.js'
import { DecayGroup } from '../decay-group.js'
import { forecastWindow } from '../forecast.js'
import { applyKernel, buildNetworkKernel, type NetworkKernel } from '../network-kernel.js'
import { RiskModel } from '../risk-model.js'
import { resolveScorerParams, type ScorerParams } from '../scorer-params.js'
import type { ResidentReport, RiskIncident, RiskSegment } from '../types.js'
import { DAY_MS } from '../../time/index.js'
import type { Period } from './periods.js'

/** What a method knows when the back-test creates it. */
export interface MethodContext {
  readonly segments: ReadonlyArray<RiskSegment>
  readonly timeZone: string
  /** Categories being forecast and scored; undefined = every category in the data. */
  readonly categories: ReadonlySet<string> | undefined
  /** Resident reports, queued like incidents (each counts once reported). */
  readonly reports?: ReadonlyArray<ResidentReport>
}

/** One method's forecasts through a back-test, in time order. */
export interface Forecaster {
  /** Incidents that became known since the last call, all known before the next period starts. */
  observe(incidents: ReadonlyArray<RiskIncident>): void
  /** A per-length risk score for each segment (higher = riskier) for `period`. */
  forecast(period: Period): Float64Array
}

/** A named forecasting method for `runBacktest`. */
export interface BacktestMethod {
  readonly name: string
  create(context: MethodContext): Forecaster
}

/** Published network ProMap bandwidths (Rosser et al. 2017, fitted values in the authors' code). */
export const PROMAP_PUBLISHED = Object.freeze({ bandwidthM: 920, tauDays: 77 })
/** Time constant of the hot-streets baseline, days (research note §6). */
export const HOT_STREETS_TAU_DAYS = 365

/** The service's scorer with `params` (expected crimes per metre in the period). */
export function scorerMethod(name: string, params: Partial<ScorerParams> = {}): BacktestMethod {
  const resolved = resolveScorerParams(params)
  return {
    name,
    create: ({ segments, timeZone, categories, reports }) => {
      const model = new RiskModel(segments, resolved, { timeZone })
      if (reports) model.addReports(reports)
      return {
        observe: (incidents) => model.addIncidents(incidents),
        forecast: (period) => {
          model.advanceTo(period.startMs)
          const { expected } = forecastWindow(model, period.startMs, period.endMs, categories)
          return perMetre(segments, expected)
        },
      }
    },
  }
}

/** Hot streets: exponentially decayed count of the target categories ÷ segment length. */
export function hotStreetsMethod(
  name = 'hot-streets',
  tauDays: number = HOT_STREETS_TAU_DAYS,
): BacktestMethod {
  return {
    name,
    create: ({ segments, categories }) => {
      const counts = decayedCounts(segments.length, tauDays, categories)
      return {
        observe: counts.observe,
        forecast: (period) => perMetre(segments, counts.at(period.startMs)),
      }
    },
  }
}

/**
 * Network prospective hot-spotting (Rosser et al. 2017), shortest-path approximation: decayed
 * counts e^{−Δt/h_T} spread by the equal-split linear network kernel of bandwidth h_S.
 */
export function promapMethod(name: string, bandwidthM: number, tauDays: number): BacktestMethod {
  return {
    name,
    create: ({ segments, categories }) => {
      const kernel = cachedKernel(segments, bandwidthM)
      const counts = decayedCounts(segments.length, tauDays, categories)
      return {
        observe: counts.observe,
        forecast: (period) => {
          const out = new Float64Array(segments.length)
          applyKernel(kernel, counts.at(period.startMs), out)
          return out
        },
      }
    },
  }
}

function decayedCounts(
  size: number,
  tauDays: number,
  categories: ReadonlySet<string> | undefined,
): { observe: (incidents: ReadonlyArray<RiskIncident>) => void; at: (ms: number) => Float64Array } {
  const group = new DecayGroup(tauDays * DAY_MS, 0)
  const handle = group.addArray(size)
  let queued: RiskIncident[] = []
  return {
    observe: (incidents) => {
      for (const i of incidents) if (!categories || categories.has(i.category)) queued.push(i)
    },
    at: (ms) => {
      for (const i of queued) {
        group.add(
          handle,
          i.segmentIndex,
          aoristicDecay(i.occurredFromMs, knownOccurredToMs(i), ms, group.tauMs),
          ms,
        )
      }
      queued = []
      const factor = group.factorAt(ms)
      return group.stored(handle).map((v) => v * factor)
    },
  }
}

function perMetre(segments: ReadonlyArray<RiskSegment>, expected: Float64Array): Float64Array {
  const out = new Float64Array(segments.length)
  for (let u = 0; u < out.length; u++) out[u] = expected[u] / Math.max(segments[u].lengthM, 1)
  return out
}

const kernels = new WeakMap<ReadonlyArray<RiskSegment>, Map<number, NetworkKernel>>()

function cachedKernel(segments: ReadonlyArray<RiskSegment>, bandwidthM: number): NetworkKernel {
  let byBandwidth = kernels.get(segments)
  if (!byBandwidth) {
    byBandwidth = new Map()
    kernels.set(segments, byBandwidth)
  }
  let kernel = byBandwidth.get(bandwidthM)
  if (!kernel) {
    kernel = buildNetworkKernel(segments, bandwidthM)
    byBandwidth.set(bandwidthM, kernel)
  }
  return kernel
}
