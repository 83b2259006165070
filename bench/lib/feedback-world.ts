import { knownAtMs, type RiskIncident, type RiskSegment } from '../../src/risk/index.js'
import { DAY_MS, HOUR_MS, zoneClock, type ZoneClock } from '../../src/time/index.js'
import type { Random } from '../../src/routing/index.js'

/** Hours in the simulated week; hour h is the scorer's hour-of-week bucket `how:h` (Monday 00:00 = 0). */
export const WEEK_HOURS = 168
const WEEK_MS = 7 * DAY_MS
/** Decay time constant of the true rates, days (the scorer's default τ). */
const TRUE_TAU_DAYS = 365
/** κ of the scorer's bucket profile (DEFAULT_SCORER_PARAMS.profileStrength). */
const PROFILE_KAPPA = 10
/** Categories the discovered incidents take, alternately: drugs and weapon law violations (NIBRS). */
const DISCOVERED_CATEGORIES = ['35A', '520'] as const

/**
 * The simulated world. The true weekly victimisation rate of a segment is its 2021 victim-reported
 * crimes weighted e^{−(start − t)/365 d}, scaled so the network total equals 2021's weekly count; it
 * stays fixed. A simulated crime copies one of the segment's real 2021 crimes (picked by that weight):
 * its category, local weekday and time, occurrence window and report delay, moved into the week.
 */
export interface FeedbackWorld {
  readonly segments: ReadonlyArray<RiskSegment>
  readonly clock: ZoneClock
  /** UTC start of each simulated week (local Monday 00:00), one more than the weeks. */
  readonly weekStartMs: Float64Array
  /** Real incidents known before the first week: the scorer's history. */
  readonly history: ReadonlyArray<RiskIncident>
  /** Expected victim-reported crimes per week per segment. */
  readonly trueWeekly: Float64Array
  /**
   * The true weekly rate spread over the hours of the week, at [h × n + u]: the segment's 2021
   * hour-of-week profile shrunk toward the network's as the scorer does (κ = 10 pseudo-crimes). What an
   * allocation that knew the true rates would rank by.
   */
  readonly trueByHour: Float64Array
  /** Σ trueWeekly: victim-reported crimes per week over the network. */
  readonly victimPerWeek: number
  readonly templates: Templates
}

/** The real 2021 crimes of each segment, flat: segment u owns [start[u], start[u + 1]). */
interface Templates {
  readonly start: Int32Array
  /** Cumulative weight within the segment (ends at the segment's total weight). */
  readonly cumWeight: Float64Array
  readonly incident: ReadonlyArray<RiskIncident>
  /** Local ms from the local Monday 00:00 of the crime's week to its start. */
  readonly offsetInWeekMs: Float64Array
}

/**
 * Builds the world for `weeks` weeks from local Monday `startLocal` (wall clock written as UTC ms).
 * @throws Error when no victim-reported crime occurred in the year before the start.
 */
export function buildWorld(
  segments: ReadonlyArray<RiskSegment>,
  incidents: ReadonlyArray<RiskIncident>,
  timeZone: string,
  startLocal: number,
  weeks: number,
): FeedbackWorld {
  const clock = zoneClock(timeZone)
  const n = segments.length
  const startMs = clock.toUtcMs(startLocal)
  const weekStartMs = Float64Array.from({ length: weeks + 1 }, (_, w) =>
    clock.toUtcMs(startLocal + w * WEEK_MS),
  )
  const yearStartMs = clock.toUtcMs(Date.UTC(new Date(startLocal).getUTCFullYear() - 1, 0, 1))
  const yearEndMs = clock.toUtcMs(Date.UTC(new Date(startLocal).getUTCFullYear(), 0, 1))
  const mid = (i: RiskIncident) => (i.occurredFromMs + i.occurredToMs) / 2
  const year = incidents
    .filter((i) => !i.enforcement && mid(i) >= yearStartMs && mid(i) < yearEndMs)
    .sort((a, b) => a.segmentIndex - b.segmentIndex || a.occurredFromMs - b.occurredFromMs)
  if (year.length === 0) throw new Error('No victim-reported crime in the year before the start.')
  const weight = year.map((i) => Math.exp(-(startMs - mid(i)) / (TRUE_TAU_DAYS * DAY_MS)))
  const scale = year.length / weeksPerYear(yearStartMs, yearEndMs) / sum(weight)
  const start = new Int32Array(n + 1)
  for (const i of year) start[i.segmentIndex + 1]++
  for (let u = 0; u < n; u++) start[u + 1] += start[u]
  const cumWeight = new Float64Array(year.length)
  const offsetInWeekMs = new Float64Array(year.length)
  const trueWeekly = new Float64Array(n)
  const startsByHour = new Float64Array(WEEK_HOURS * n)
  year.forEach((incident, k) => {
    const u = incident.segmentIndex
    const rate = weight[k] * scale
    trueWeekly[u] += rate
    cumWeight[k] = trueWeekly[u]
    offsetInWeekMs[k] = offsetInLocalWeek(clock.toLocalMs(incident.occurredFromMs))
    startsByHour[Math.floor(offsetInWeekMs[k] / HOUR_MS) * n + u] += rate
  })
  return {
    segments,
    clock,
    weekStartMs,
    history: incidents.filter((i) => knownAtMs(i) < startMs),
    trueWeekly,
    trueByHour: shrunkProfile(startsByHour, trueWeekly, weeksPerYear(yearStartMs, yearEndMs)),
    victimPerWeek: sum(trueWeekly),
    templates: { start, cumWeight, incident: year, offsetInWeekMs },
  }
}

// p_u(h) = (c_u(h) + κ g(h)) / (c_u + κ) on yearly counts c, as the scorer's bucket profile
function shrunkProfile(
  startsByHour: Float64Array,
  trueWeekly: Float64Array,
  weeks: number,
): Float64Array {
  const n = trueWeekly.length
  const total = sum(trueWeekly)
  const out = new Float64Array(startsByHour.length)
  for (let h = 0; h < WEEK_HOURS; h++) {
    let hourTotal = 0
    for (let u = 0; u < n; u++) hourTotal += startsByHour[h * n + u]
    const global = hourTotal / total
    for (let u = 0; u < n; u++) {
      const own = weeks * startsByHour[h * n + u]
      const share = (own + PROFILE_KAPPA * global) / (weeks * trueWeekly[u] + PROFILE_KAPPA)
      out[h * n + u] = trueWeekly[u] * share
    }
  }
  return out
}

function weeksPerYear(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / WEEK_MS
}

/** One week of victim-reported crimes: Poisson(trueWeekly[u]) copies of real crimes per segment. */
export function drawVictimWeek(world: FeedbackWorld, week: number, random: Random): RiskIncident[] {
  const { templates, clock, trueWeekly } = world
  const weekLocal = clock.toLocalMs(world.weekStartMs[week])
  const out: RiskIncident[] = []
  for (let u = 0; u < trueWeekly.length; u++) {
    if (trueWeekly[u] === 0) continue
    for (let c = poisson(trueWeekly[u], random); c > 0; c--) {
      const k = pickTemplate(templates, u, random() * trueWeekly[u])
      const real = templates.incident[k]
      const fromMs = clock.toUtcMs(weekLocal + templates.offsetInWeekMs[k])
      const toMs = fromMs + (real.occurredToMs - real.occurredFromMs)
      const lag = real.reportedAtMs === null ? null : real.reportedAtMs - real.occurredToMs
      out.push({
        ...real,
        occurredFromMs: fromMs,
        occurredToMs: toMs,
        reportedAtMs: lag === null ? null : toMs + lag,
      })
    }
  }
  return out
}

/**
 * Enforcement incidents found by one week's dwells: Poisson(perDwell) per dwell, at a uniform time in
 * the dwell's hour, reported at once. `perDwell` is the same on every segment.
 */
export function drawDiscoveries(
  world: FeedbackWorld,
  week: number,
  stops: { readonly place: Int32Array; readonly hour: Int32Array },
  perDwell: number,
  random: Random,
): RiskIncident[] {
  const weekLocal = world.clock.toLocalMs(world.weekStartMs[week])
  const out: RiskIncident[] = []
  for (let s = 0; s < stops.place.length; s++) {
    for (let c = poisson(perDwell, random); c > 0; c--) {
      const atMs = world.clock.toUtcMs(weekLocal + stops.hour[s] * HOUR_MS) + random() * HOUR_MS
      out.push({
        segmentIndex: stops.place[s],
        occurredFromMs: atMs,
        occurredToMs: atMs,
        reportedAtMs: atMs,
        category: DISCOVERED_CATEGORIES[out.length % DISCOVERED_CATEGORIES.length],
        crimeAgainst: 'society',
        enforcement: true,
      })
    }
  }
  return out
}

/** A Poisson draw (Knuth's product method, in pieces of mean ≤ 20 so e^{−λ} never underflows). */
export function poisson(mean: number, random: Random): number {
  let count = 0
  for (let left = mean; left > 0; left -= 20) {
    const limit = Math.exp(-Math.min(left, 20))
    let product = random()
    while (product > limit) {
      count++
      product *= random()
    }
  }
  return count
}

function pickTemplate(templates: Templates, u: number, target: number): number {
  let lo = templates.start[u]
  let hi = templates.start[u + 1] - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (templates.cumWeight[mid] > target) hi = mid
    else lo = mid + 1
  }
  return lo
}

// 1970-01-01 was a Thursday: shift so that weeks start on Monday 00:00
function offsetInLocalWeek(localMs: number): number {
  const shifted = localMs + 3 * DAY_MS
  return ((shifted % WEEK_MS) + WEEK_MS) % WEEK_MS
}

function sum(values: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < values.length; i++) total += values[i]
  return total
}
