import { mulberry32 } from '../../src/routing/index.js'
import type { RiskIncident, RiskSegment } from '../../src/risk/types.js'
import { DAY_MS, HOUR_MS } from '../../src/time/index.js'

export const TZ = 'America/New_York'
export const T0 = Date.parse('2022-01-01T05:00:00Z') // 2022-01-01 00:00 EST

/** A straight street of `n` segments, node k to node k + 1, with the given lengths (default 100 m). */
export function lineStreet(lengths: ReadonlyArray<number>): RiskSegment[] {
  return lengths.map((lengthM, index) => ({
    index,
    id: `s${index}`,
    lengthM,
    highway: 'residential',
    fromNodeId: index,
    toNodeId: index + 1,
  }))
}

/** An incident at an exact time, reported an hour later. */
export function crime(
  segmentIndex: number,
  atMs: number,
  category = '23F',
  extra: Partial<RiskIncident> = {},
): RiskIncident {
  return {
    segmentIndex,
    occurredFromMs: atMs,
    occurredToMs: atMs,
    reportedAtMs: atMs + HOUR_MS,
    category,
    crimeAgainst: 'property',
    enforcement: false,
    ...extra,
  }
}

const CATEGORIES = ['23F', '23H', '240', '220', '13A', '120']

/** Seeded random incidents over `days` days before T0 + days, some with occurrence windows. */
export function randomIncidents(
  seed: number,
  segments: number,
  count: number,
  days = 400,
): RiskIncident[] {
  const random = mulberry32(seed)
  return Array.from({ length: count }, () => {
    const from = T0 + Math.floor(random() * days * 24) * HOUR_MS
    const window = random() < 0.3 ? Math.floor(random() * 72) * HOUR_MS : 0
    const delay = Math.floor(random() * 5 * 24) * HOUR_MS
    return {
      segmentIndex: Math.floor(random() ** 2 * segments),
      occurredFromMs: from,
      occurredToMs: from + window,
      reportedAtMs: random() < 0.1 ? null : from + window + delay,
      category: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
      crimeAgainst: 'property',
      enforcement: random() < 0.05,
    }
  })
}

export const DAY = DAY_MS
