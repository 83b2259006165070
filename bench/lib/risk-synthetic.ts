import type { RiskIncident, RiskSegment } from '../../src/risk/index.js'
import { mulberry32 } from '../../src/routing/index.js'

const HOUR_MS = 3_600_000
const CATEGORIES = ['23F', '23H', '240', '220', '13A', '120', '09A']
const CATEGORY_CUMULATIVE = [0.45, 0.68, 0.79, 0.86, 0.95, 0.99, 1]

/**
 * SYNTHETIC incidents for speed tests only (Milan has no crime data): `count` incidents over `days`
 * days before `endMs`, on segments drawn with a heavy tail (a few segments get most crimes, as in real
 * data), 30 % with an occurrence window up to three days, reported 0–5 days later. Seeded.
 */
export function syntheticIncidents(
  segments: ReadonlyArray<RiskSegment>,
  count: number,
  endMs: number,
  days: number,
  seed: number,
): RiskIncident[] {
  const random = mulberry32(seed)
  // a random permutation decides which segments are hot
  const order = segments.map((_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  const incidents: RiskIncident[] = []
  for (let k = 0; k < count; k++) {
    const from = endMs - Math.floor(random() * days * 24) * HOUR_MS
    const window = random() < 0.3 ? Math.floor(random() * 72) * HOUR_MS : 0
    const r = random()
    const category = CATEGORIES[CATEGORY_CUMULATIVE.findIndex((c) => r < c)]
    incidents.push({
      segmentIndex: order[Math.floor(random() ** 3 * order.length)],
      occurredFromMs: from - window,
      occurredToMs: from,
      reportedAtMs: from + Math.floor(random() * 120) * HOUR_MS,
      category,
      crimeAgainst:
        category === '13A' || category === '120' || category === '09A' ? 'persons' : 'property',
      enforcement: false,
    })
  }
  return incidents
}
