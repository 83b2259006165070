import {
  HOUR_OF_WEEK,
  RiskModel,
  forecastEachBucket,
  resolveScorerParams,
  type BucketForecasts,
  type RiskIncident,
} from '../../src/risk/index.js'
import { mulberry32, type Random } from '../../src/routing/index.js'
import {
  allocateWeek,
  stopsPerWeek,
  type AllocationRules,
  type PlacePoints,
  type WeekPatrol,
} from './feedback-allocate.js'
import { topSet, weekMetrics, type MetricContext, type WeekMetrics } from './feedback-metrics.js'
import {
  WEEK_HOURS,
  drawDiscoveries,
  drawVictimWeek,
  type FeedbackWorld,
} from './feedback-world.js'

/** One way of running the loop. */
export interface Arm {
  readonly name: string
  /**
   * What patrol is allocated from: the scorer without enforcement types (the service default), the
   * scorer counting them (`includeEnforcement: true`), or the true rates (no loop at all).
   */
  readonly scorer: 'victim-only' | 'with-enforcement' | 'truth'
  readonly explorationShare: number
  readonly maxDwellsPerShift: number
  /** Discovered incidents per week ÷ victim-reported crimes per week, at the planned patrol. */
  readonly discoveryRatio: number
  /** The scorer's τ, days; default the scorer's 365. */
  readonly tauDays?: number
}

/** Everything a run reads besides the arms and the seed. */
export interface SimulationSetup {
  readonly world: FeedbackWorld
  readonly points: PlacePoints
  readonly metrics: MetricContext
  readonly timeZone: string
  readonly units: number
  readonly dwellMinutes: number
}

/** One arm under one seed. */
export interface ArmRun {
  readonly arm: Arm
  readonly seed: number
  readonly weeks: ReadonlyArray<WeekMetrics>
}

/** What one seed's run returns besides the arms. */
export interface SeedRun {
  readonly runs: ReadonlyArray<ArmRun>
  readonly victimCrimes: number
  /** Weeks in which the victim-only scorer fed with discovered incidents matched the shared one. */
  readonly isolationChecks: number
}

interface ArmState {
  readonly arm: Arm
  readonly rules: AllocationRules
  readonly modelKey: string | null
  readonly perDwell: number
  readonly random: Random
  readonly weeks: WeekMetrics[]
  favoured: Int32Array
  /** place × 168 + hour of every week-1 dwell. */
  firstWeek: Set<number>
}

/**
 * Runs the arms for `weeks` weeks under one seed. Each week: every scorer forecasts from what was
 * reported by the week's start, each arm allocates its dwells, victim-reported crimes (the same for
 * every arm) and each arm's discovered incidents happen and are fed back. Arms counting only
 * victim-reported types share one scorer; with `isolationCheck` the first of them also keeps its own
 * scorer fed with its discovered incidents, which must forecast exactly the same.
 * @throws Error when an invariant fails (allocation size, per-hour or per-shift dwell limits,
 *   exploration share, scorer isolation).
 */
export function simulateSeed(
  setup: SimulationSetup,
  arms: ReadonlyArray<Arm>,
  seed: number,
  weeks: number,
  isolationCheck = false,
): SeedRun {
  const { world } = setup
  const models = new Map<string, RiskModel>()
  const states = arms.map((arm) => armState(setup, arm, seed, models))
  const checked = isolationCheck ? states.find((s) => s.arm.scorer === 'victim-only') : undefined
  const checkModel = checked && newModel(setup, checked.arm)
  const victimRandom = mulberry32(seedOf(seed, 'victims'))
  let victimCrimes = 0
  let isolationChecks = 0
  for (let w = 0; w < weeks; w++) {
    const forecasts = new Map<string, BucketForecasts>()
    for (const [key, model] of models) forecasts.set(key, forecastEachBucket(model))
    if (checked && checkModel) {
      sameForecast(forecastEachBucket(checkModel), forecasts.get(checked.modelKey!)!, w)
      isolationChecks++
    }
    const victims = drawVictimWeek(world, w, victimRandom)
    victimCrimes += victims.length
    for (const state of states) {
      const dense =
        state.modelKey === null ? world.trueByHour : forecasts.get(state.modelKey)!.expected
      const found = armWeek(setup, state, dense, seed, w)
      if (state.arm.scorer === 'with-enforcement') models.get(state.modelKey!)!.addIncidents(found)
      if (state === checked) checkModel!.addIncidents(found)
    }
    const next = world.weekStartMs[w + 1]
    for (const model of [...models.values(), ...(checkModel ? [checkModel] : [])]) {
      model.addIncidents(victims)
      model.advanceTo(next)
    }
  }
  const runs = states.map((s) => ({ arm: s.arm, seed, weeks: s.weeks }))
  return { runs, victimCrimes, isolationChecks }
}

// allocates one arm's week, records its metrics and returns the incidents its dwells discovered
function armWeek(
  setup: SimulationSetup,
  state: ArmState,
  dense: Float32Array | Float64Array,
  seed: number,
  week: number,
): RiskIncident[] {
  const n = setup.world.segments.length
  const prizes = (h: number) => dense.subarray(h * n, (h + 1) * n)
  const patrol = allocateWeek(prizes, setup.points, state.rules, seedOf(seed, state.arm.name, week))
  checkPatrol(patrol, state.rules, state.arm.name, week)
  const minutes = new Float64Array(n)
  for (const p of patrol.place) minutes[p] += state.rules.dwellMinutes
  const keys = Array.from(patrol.place, (p, s) => p * WEEK_HOURS + patrol.hour[s])
  if (week === 0) {
    state.favoured = topSet(minutes, Math.ceil(0.01 * n))
    state.firstWeek = new Set(keys)
  }
  const found = drawDiscoveries(setup.world, week, patrol, state.perDwell, state.random)
  state.weeks.push(
    weekMetrics(setup.metrics, minutes, weeklyTotals(dense, n), state.favoured, {
      exploration: patrol.exploration,
      stops: patrol.place.length,
      discovered: found.length,
      kept: keys.filter((k) => state.firstWeek.has(k)).length,
    }),
  )
  return found
}

function armState(
  setup: SimulationSetup,
  arm: Arm,
  seed: number,
  models: Map<string, RiskModel>,
): ArmState {
  const rules: AllocationRules = {
    units: setup.units,
    dwellMinutes: setup.dwellMinutes,
    explorationShare: arm.explorationShare,
    maxDwellsPerShift: arm.maxDwellsPerShift,
  }
  let modelKey: string | null = null
  if (arm.scorer !== 'truth') {
    const tau = arm.tauDays ?? 'default'
    modelKey = arm.scorer === 'victim-only' ? `victim-only|${tau}` : `arm|${arm.name}`
    if (!models.has(modelKey)) models.set(modelKey, newModel(setup, arm))
  }
  return {
    arm,
    rules,
    modelKey,
    perDwell: (arm.discoveryRatio * setup.world.victimPerWeek) / stopsPerWeek(rules),
    random: mulberry32(seedOf(seed, `found|${arm.name}`)),
    weeks: [],
    favoured: new Int32Array(0),
    firstWeek: new Set(),
  }
}

function newModel(setup: SimulationSetup, arm: Arm): RiskModel {
  const params = resolveScorerParams({
    buckets: HOUR_OF_WEEK,
    includeEnforcement: arm.scorer === 'with-enforcement',
    ...(arm.tauDays === undefined ? {} : { longTauDays: arm.tauDays }),
  })
  const model = new RiskModel(setup.world.segments, params, { timeZone: setup.timeZone })
  model.addIncidents(setup.world.history)
  model.advanceTo(setup.world.weekStartMs[0])
  return model
}

function weeklyTotals(dense: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n)
  for (let h = 0; h < WEEK_HOURS; h++) for (let u = 0; u < n; u++) out[u] += dense[h * n + u]
  return out
}

// the planner's limits, restated from the dwells themselves
function checkPatrol(patrol: WeekPatrol, rules: AllocationRules, arm: string, week: number): void {
  const fail = (what: string): never => {
    throw new Error(`Invariant failed (${arm}, week ${week + 1}): ${what}.`)
  }
  const wanted = stopsPerWeek(rules)
  if (patrol.place.length !== wanted) fail(`${patrol.place.length} dwells, planned ${wanted}`)
  const perHour = new Set<number>()
  const perShift = new Map<number, number>()
  for (let s = 0; s < patrol.place.length; s++) {
    const place = patrol.place[s]
    const hour = patrol.hour[s]
    const key = place * WEEK_HOURS + hour
    if (perHour.has(key)) fail(`two dwells on place ${place} in hour ${hour}`)
    perHour.add(key)
    const shiftKey = place * 21 + Math.floor(((hour - 7 + WEEK_HOURS) % WEEK_HOURS) / 8)
    const count = (perShift.get(shiftKey) ?? 0) + 1
    if (count > rules.maxDwellsPerShift) fail(`place ${place} over the shift cap`)
    perShift.set(shiftKey, count)
  }
  const share = patrol.exploration / patrol.place.length
  if (Math.abs(share - rules.explorationShare) > 0.01) {
    fail(`exploration share ${share.toFixed(3)}, wanted ${rules.explorationShare}`)
  }
}

function sameForecast(a: BucketForecasts, b: BucketForecasts, week: number): void {
  for (let i = 0; i < a.expected.length; i++) {
    if (a.expected[i] !== b.expected[i]) {
      throw new Error(
        `Invariant failed (week ${week + 1}): the victim-only scorer changed when discovered incidents were fed to it (cell ${i}: ${a.expected[i]} vs ${b.expected[i]}).`,
      )
    }
  }
}

/** A 32-bit seed from a run seed and labels (FNV-1a over their text). */
export function seedOf(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5
  for (const ch of parts.join('|')) {
    hash ^= ch.charCodeAt(0)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
