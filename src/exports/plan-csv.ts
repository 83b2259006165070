import { stringify } from 'csv-stringify/sync'
import { escapeFormula } from '../ingest/index.js'
import type { PlanDocument } from './plan-document.js'

const COLUMNS = [
  'unit',
  'mode',
  'stop',
  'arrive',
  'leave',
  'street',
  'segment',
  'lon',
  'lat',
  'dwell_minutes',
  'expected_crimes',
  'kind',
  'reason',
]

/** Local wall-clock time (HH:MM) of an instant in the plan's zone, for a printed briefing. */
function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    // h23, not hour12: false: that gives "24:30" after midnight in some locales (en-CA)
    hourCycle: 'h23',
  }).format(new Date(iso))
}

/**
 * The plan as a CSV briefing (one row per stop, local times). Text cells are formula-escaped
 * (street names and reasons are the carriers, CWE-1236); numbers stay numbers.
 */
export function planToCsv(plan: PlanDocument): string {
  const rows = plan.units.flatMap((unit) =>
    unit.stops.map((s) => [
      escapeFormula(unit.id),
      unit.mode,
      s.seq,
      localTime(s.arrive, plan.timezone),
      localTime(s.leave, plan.timezone),
      escapeFormula(s.street ?? ''),
      escapeFormula(s.segmentId),
      s.position[0],
      s.position[1],
      s.dwellMinutes,
      Math.round(s.expectedCrimes * 1e4) / 1e4,
      s.kind,
      escapeFormula(s.reason),
    ]),
  )
  return stringify([COLUMNS, ...rows])
}
