import type { RiskIncident } from '../../src/risk/index.js'
import type { PatrolPlan } from '../../src/routing/index.js'

const HOUR_MS = 3_600_000

/** Incidents per place, for counting what happened where a plan dwelt. */
export type IncidentsByPlace = ReadonlyMap<number, ReadonlyArray<RiskIncident>>

/** Groups incidents by their segment (= place). */
export function incidentsByPlace(incidents: ReadonlyArray<RiskIncident>): IncidentsByPlace {
  const map = new Map<number, RiskIncident[]>()
  for (const i of incidents) {
    const list = map.get(i.segmentIndex)
    if (list) list.push(i)
    else map.set(i.segmentIndex, [i])
  }
  return map
}

/**
 * Crimes that occurred on a dwelt place during the hour the dwell started in, each (place, hour)
 * counted once however many dwells it had. An incident known only to a window counts by the
 * share of the window inside the hour (aoristic), so totals may be fractional.
 */
export function crimesOnDwells(plan: PatrolPlan, byPlace: IncidentsByPlace): number {
  const seen = new Set<string>()
  let crimes = 0
  for (const unit of plan.units) {
    for (const stop of unit.stops) {
      const key = `${stop.place}:${stop.hour}`
      if (seen.has(key)) continue
      seen.add(key)
      const from = plan.shiftStartMs + stop.hour * HOUR_MS
      for (const incident of byPlace.get(stop.place) ?? [])
        crimes += shareIn(incident, from, from + HOUR_MS)
    }
  }
  return crimes
}

/** Crimes anywhere on the places during [fromMs, toMs) (same aoristic counting). */
export function crimesBetween(
  incidents: ReadonlyArray<RiskIncident>,
  fromMs: number,
  toMs: number,
): number {
  let crimes = 0
  for (const incident of incidents) crimes += shareIn(incident, fromMs, toMs)
  return crimes
}

function shareIn(incident: RiskIncident, fromMs: number, toMs: number): number {
  const a = incident.occurredFromMs
  const b = incident.occurredToMs
  if (b <= a) return a >= fromMs && a < toMs ? 1 : 0
  return Math.max(0, Math.min(b, toMs) - Math.max(a, fromMs)) / (b - a)
}
