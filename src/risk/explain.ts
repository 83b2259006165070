import type { WindowForecast } from './forecast.js'
import type { RiskModel } from './risk-model.js'
import { DAY_MS } from '../time/index.js'

/** Incidents behind a score, by category and age at the forecast time (whole counts, not decayed). */
export interface CrimeCounts {
  readonly category: string
  readonly last30Days: number
  /** 31 to 365 days old. */
  readonly last365Days: number
  readonly older: number
}

/** What a supervisor reads next to a segment's score. Terms are expected crimes per km in the bucket. */
export interface RiskExplanation {
  readonly crimes: ReadonlyArray<CrimeCounts>
  /** Share of this segment's crimes expected in the bucket (its profile shrunk to the network's). */
  readonly bucketShare: number
  /** The network's share for the same bucket. */
  readonly networkBucketShare: number
  readonly terms: {
    readonly longTerm: number
    readonly borrowed: number
    readonly nearRepeat: number
    readonly residentReports: number
  }
  /** Fraction of the score that comes from resident reports (0 while the layer is off). */
  readonly residentReportsShare: number
}

const RECENT_DAYS = 30
const YEAR_DAYS = 365

/** The explanation of segment `u` in `forecast`, made from the model it came from. */
export function explainSegment(
  model: RiskModel,
  forecast: WindowForecast,
  u: number,
): RiskExplanation {
  const km = Math.max(model.segments[u].lengthM, 1) / 1000
  const byCategory = new Map<string, [number, number, number]>()
  for (const incident of model.historyOf(u)) {
    const ageDays = (model.asOfMs - incident.occurredFromMs) / DAY_MS
    const counts = byCategory.get(incident.category) ?? [0, 0, 0]
    counts[ageDays <= RECENT_DAYS ? 0 : ageDays <= YEAR_DAYS ? 1 : 2]++
    byCategory.set(incident.category, counts)
  }
  const crimes = [...byCategory.entries()]
    .map(([category, [last30Days, last365Days, older]]) => ({
      category,
      last30Days,
      last365Days,
      older,
    }))
    .sort((a, b) => total(b) - total(a) || (a.category < b.category ? -1 : 1))
  const expected = forecast.expected[u]
  // per nominal occurrence: a 25-hour day or 9-hour shift across a DST change would read above 100 %
  const per = forecast.occurrences > 0 ? forecast.occurrences : 1
  return {
    crimes,
    bucketShare: forecast.bucketShare[u] / per,
    networkBucketShare: forecast.globalBucketShare / per,
    terms: {
      longTerm: forecast.own[u] / km,
      borrowed: forecast.borrowed[u] / km,
      nearRepeat: forecast.nearRepeat[u] / km,
      residentReports: forecast.reports[u] / km,
    },
    residentReportsShare: expected > 0 ? forecast.reports[u] / expected : 0,
  }
}

function total(c: CrimeCounts): number {
  return c.last30Days + c.last365Days + c.older
}
