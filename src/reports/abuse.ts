import { haversineM } from '../network/haversine.js'

/** Same type within this distance and time of an open report → one report with a count. */
export const DEDUPE_RADIUS_M = 50
export const DEDUPE_WINDOW_MS = 3_600_000 // one hour

/** Reports accepted per hour, per source and per area; more are refused with 429 and Retry-After. */
export interface ReportCaps {
  readonly perDevice: number
  readonly perAccount: number
  readonly perArea: number
  /** A source with this many reports in one area within the hour is flagged as a flood. */
  readonly floodThreshold: number
  readonly windowMs: number
}

export const DEFAULT_CAPS: ReportCaps = Object.freeze({
  perDevice: 5,
  perAccount: 10,
  perArea: 30,
  floodThreshold: 3,
  windowMs: 3_600_000,
})

const CELL_DEG = 0.0045 // ≈ 500 m of latitude

/**
 * The ≈ 500 m × 500 m grid cell a point falls in, as text (`<row>:<col>`): the unit of the
 * per-area cap and of flood detection.
 */
export function areaCell(lat: number, lon: number): string {
  const row = Math.floor(lat / CELL_DEG)
  const lonStep = CELL_DEG / Math.max(0.01, Math.cos(((row + 0.5) * CELL_DEG * Math.PI) / 180))
  return `${row}:${Math.floor(lon / lonStep)}`
}

/** Reports of one source (or area) within the cap window: how many and when the oldest came. */
export interface WindowCount {
  readonly count: number
  readonly oldestMs: number
}

export type CapDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false
      readonly scope: 'device' | 'account' | 'area'
      readonly retryAfterS: number
    }

/**
 * Decides whether one more report fits the caps. Retry-After is when the oldest counted report
 * leaves the window.
 */
export function checkCaps(
  counts: {
    readonly device?: WindowCount
    readonly account?: WindowCount
    readonly area: WindowCount
  },
  caps: ReportCaps,
  nowMs: number,
): CapDecision {
  const scopes = [
    ['device', counts.device, caps.perDevice],
    ['account', counts.account, caps.perAccount],
    ['area', counts.area, caps.perArea],
  ] as const
  for (const [scope, count, cap] of scopes) {
    if (count && count.count >= cap) {
      const retryAfterS = Math.max(1, Math.ceil((count.oldestMs + caps.windowMs - nowMs) / 1000))
      return { allowed: false, scope, retryAfterS }
    }
  }
  return { allowed: true }
}

export interface NearbyReport {
  readonly id: string
  readonly serviceCode: string
  readonly lat: number
  readonly lon: number
  readonly requestedAtMs: number
  readonly duplicateOf: string | null
  readonly review: string
}

/**
 * The open report a new one duplicates: same type, within DEDUPE_RADIUS_M and DEDUPE_WINDOW_MS,
 * itself not a duplicate or spam; the nearest wins, then the earliest.
 * @returns its id, or undefined when the new report stands alone.
 */
export function findDuplicateTarget(
  report: {
    readonly serviceCode: string
    readonly lat: number
    readonly lon: number
    readonly requestedAtMs: number
  },
  nearby: readonly NearbyReport[],
): string | undefined {
  let best: { id: string; distance: number; at: number } | undefined
  for (const other of nearby) {
    if (
      other.serviceCode !== report.serviceCode ||
      other.duplicateOf !== null ||
      other.review === 'spam'
    )
      continue
    if (Math.abs(report.requestedAtMs - other.requestedAtMs) > DEDUPE_WINDOW_MS) continue
    const distance = haversineM(report.lon, report.lat, other.lon, other.lat)
    if (distance > DEDUPE_RADIUS_M) continue
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && other.requestedAtMs < best.at)
    ) {
      best = { id: other.id, distance, at: other.requestedAtMs }
    }
  }
  return best?.id
}
