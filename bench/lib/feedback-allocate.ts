import { sampleExploration } from '../../src/routing/exploration.js'
import { topIndices } from '../../src/routing/top-places.js'
import { mulberry32, type Random } from '../../src/routing/index.js'
import { WEEK_HOURS } from './feedback-world.js'

/** The planner rules the weekly allocation mirrors (src/routing defaults unless stated). */
export interface AllocationRules {
  /** Units on every shift. */
  readonly units: number
  readonly dwellMinutes: number
  /** Share of stops on sampled lower-risk places (the planner's `explorationShare`). */
  readonly explorationShare: number
  /** Most dwells on one place per shift (the planner's `maxDwellsPerPlace`; default 8 = hours). */
  readonly maxDwellsPerShift: number
}

/** One week of dwells: stop s is a dwell on `place[s]` in hour-of-week `hour[s]`. */
export interface WeekPatrol {
  readonly place: Int32Array
  readonly hour: Int32Array
  readonly exploration: number
}

/** Midpoints of the places, degrees, and a depot every unit starts from. */
export interface PlacePoints {
  readonly lon: Float64Array
  readonly lat: Float64Array
  readonly depot: readonly [number, number]
}

const SHIFT_HOURS = 8
/** Shift start hours: 07, 15 and 23 local, the scorer's and the service's default shifts. */
const FIRST_SHIFT_HOUR = 7
const SHIFTS_PER_WEEK = WEEK_HOURS / SHIFT_HOURS
/** The planner's candidates per dwell slot (CANDIDATES_PER_SLOT) and its extra 8. */
const CANDIDATES_PER_SLOT = 3
const CANDIDATES_EXTRA = 8
const EXPLORE_PAD_DEG = 400 / 111_320

/** Stops one unit makes in a shift, by the planner's own estimate (one minute of travel per stop). */
export function stopsPerShift(rules: AllocationRules): number {
  return rules.units * Math.floor((SHIFT_HOURS * 3600) / (rules.dwellMinutes * 60 + 60))
}

/** Planned dwells per week. */
export function stopsPerWeek(rules: AllocationRules): number {
  return SHIFTS_PER_WEEK * stopsPerShift(rules)
}

/**
 * The week's dwells, shift by shift (07–15, 15–23, 23–07), as the planner's teleport bound would
 * place them: each hour's stops go to the places with the highest prize of that hour among the
 * shift's candidates (top 3 × slots + 8 per hour), one dwell per place and hour (the collection rule
 * pays a place at most once an hour), at most `maxDwellsPerShift` per place; exploration stops
 * interleave by the construction rule (one whenever explorationStops + 0.5 < share × (stops + 1)) on
 * places drawn by the planner's own `sampleExploration`. Travel is not simulated.
 * @param prizes - expected crimes per place in hour-of-week h (a view per hour)
 */
export function allocateWeek(
  prizes: (hour: number) => ArrayLike<number>,
  points: PlacePoints,
  rules: AllocationRules,
  seed: number,
): WeekPatrol {
  const place: number[] = []
  const hour: number[] = []
  let exploration = 0
  for (let k = 0; k < SHIFTS_PER_WEEK; k++) {
    const hours = Array.from(
      { length: SHIFT_HOURS },
      (_, j) => (FIRST_SHIFT_HOUR + k * SHIFT_HOURS + j) % WEEK_HOURS,
    )
    const shift = allocateShift(hours, prizes, points, rules, mulberry32(seed + 7919 * k))
    place.push(...shift.place)
    hour.push(...shift.hour)
    exploration += shift.exploration
  }
  return { place: Int32Array.from(place), hour: Int32Array.from(hour), exploration }
}

function allocateShift(
  hours: ReadonlyArray<number>,
  prizes: (hour: number) => ArrayLike<number>,
  points: PlacePoints,
  rules: AllocationRules,
  random: Random,
): { place: number[]; hour: number[]; exploration: number } {
  const slotsPerHour = (rules.units * 60) / rules.dwellMinutes
  const perHour = Math.ceil(slotsPerHour * CANDIDATES_PER_SLOT) + CANDIDATES_EXTRA
  const candidates = new Set<number>()
  for (const h of hours)
    for (const p of topIndices(prizes(h), perHour, () => true)) candidates.add(p)
  const total = stopsPerShift(rules)
  const share = rules.explorationShare
  const explore = share > 0 ? sampleExplorationPlaces(candidates, points, share, total, random) : []
  const place: number[] = []
  const hour: number[] = []
  const dwells = new Map<number, number>()
  let explored = 0
  for (let j = 0; j < hours.length; j++) {
    const first = Math.floor((total * j) / hours.length)
    const last = Math.floor((total * (j + 1)) / hours.length)
    let riskStops = 0
    for (let s = first; s < last; s++) {
      if (explored < explore.length && explored + 0.5 < share * (s + 1)) {
        place.push(explore[explored++])
        hour.push(hours[j])
      } else riskStops++
    }
    const thisHour = new Set(place.slice(place.length - (last - first - riskStops)))
    const allowed = (p: number) =>
      candidates.has(p) && !thisHour.has(p) && (dwells.get(p) ?? 0) < rules.maxDwellsPerShift
    for (const p of topIndices(prizes(hours[j]), riskStops, allowed)) {
      dwells.set(p, (dwells.get(p) ?? 0) + 1)
      place.push(p)
      hour.push(hours[j])
    }
  }
  return { place, hour, exploration: explored }
}

// as buildProblem: twice the wanted stops plus two, in the candidates' padded bbox with the depot
function sampleExplorationPlaces(
  candidates: ReadonlySet<number>,
  points: PlacePoints,
  share: number,
  stops: number,
  random: Random,
): number[] {
  let [w, s, e, n] = [points.depot[0], points.depot[1], points.depot[0], points.depot[1]]
  for (const p of candidates) {
    w = Math.min(w, points.lon[p])
    e = Math.max(e, points.lon[p])
    s = Math.min(s, points.lat[p])
    n = Math.max(n, points.lat[p])
  }
  const pad = EXPLORE_PAD_DEG
  return sampleExploration({
    placeLon: points.lon,
    placeLat: points.lat,
    eligible: (p) => !candidates.has(p),
    area: [w - pad, s - pad, e + pad, n + pad],
    count: Math.ceil(2 * share * stops) + 2,
    random,
  })
}
