import type { RiskIncident } from './types.js'

/**
 * The instant an incident became known: its report time, or the end of its occurrence window when the
 * source has no report date; never before the window's start (a report dated before the crime is a data
 * error, and the crime cannot be known before it began).
 */
export function knownAtMs(incident: RiskIncident): number {
  const reported = incident.reportedAtMs ?? incident.occurredToMs
  return Math.max(reported, incident.occurredFromMs)
}

/** The end of the occurrence window as far as it could be known at `knownAtMs`. */
export function knownOccurredToMs(incident: RiskIncident): number {
  return Math.max(incident.occurredFromMs, Math.min(incident.occurredToMs, knownAtMs(incident)))
}

/**
 * A total order on incidents by the time they became known, then by every field, so that sums built
 * from any row order or batching add the same numbers in the same order.
 */
export function compareByKnownAt(a: RiskIncident, b: RiskIncident): number {
  return knownAtMs(a) - knownAtMs(b) || compareSameKnownAt(a, b)
}

/** The tie-break of `compareByKnownAt` for incidents known at the same instant. */
export function compareSameKnownAt(a: RiskIncident, b: RiskIncident): number {
  return (
    a.segmentIndex - b.segmentIndex ||
    a.occurredFromMs - b.occurredFromMs ||
    a.occurredToMs - b.occurredToMs ||
    (a.category < b.category ? -1 : a.category > b.category ? 1 : 0) ||
    Number(a.enforcement) - Number(b.enforcement) ||
    (a.crimeAgainst < b.crimeAgainst ? -1 : a.crimeAgainst > b.crimeAgainst ? 1 : 0)
  )
}
