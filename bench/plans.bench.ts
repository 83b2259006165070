// Plan quality and speed (`npm run bench:plans`): Atlanta drive with the risk core's
// hour-of-week forecasts, baselines A (top-k nearest), B (ratio greedy) and the time-blind plan in
// the same run, a route-level back-test, a foot beat and Milan at 20 units. PLAN_DAYS, PLAN_SEEDS,
// BACKTEST_DAYS shrink or grow the run; WRITE_RESULTS=1 writes the "Plans" section of RESULTS.md.
// The last line printed is `ratio … vsA … vsB … vsBlind … p95ms …` (Atlanta, 4 units, 12 min).
import { execSync } from 'node:child_process'
import { availableParallelism, cpus, loadavg } from 'node:os'
import {
  mulberry32,
  planPatrol,
  planRatioGreedy,
  planTimeBlind,
  planTopKNearest,
  type PatrolPlan,
  type PlanRequest,
  type SegmentPosition,
} from '../src/routing/index.js'
import { haversineM } from '../src/network/index.js'
import { API_BUDGET_MS, API_ITERATIONS_PER_UNIT } from '../src/services/plans.js'
import { atlantaMidnight, hourlyPrizes, loadPlanCity, type PlanCity } from './lib/plan-atlanta.js'
import { crimesBetween, crimesOnDwells, incidentsByPlace } from './lib/plan-backtest.js'
import { loadMilanDrive, milanDepots, milanPrizes, MILAN_HOT_PLACES } from './lib/plan-milan.js'
import { mean, quantile, table, writeSection } from './lib/plan-results.js'

const DAYS = Number(process.env.PLAN_DAYS ?? 12)
const SEEDS = Number(process.env.PLAN_SEEDS ?? 3)
const BACKTEST_DAYS = Math.max(DAYS, Number(process.env.BACKTEST_DAYS ?? 40))
/** The search POST /v1/plans runs: a fixed iteration count per unit (deterministic) under the API's guard. */
const apiSearch = (units: number) => ({
  now,
  budgetMs: API_BUDGET_MS,
  iterations: API_ITERATIONS_PER_UNIT * units,
})
/** How each timed search of the main case ended ('iterations' or 'deadline'). */
const stoppedBy = new Map<string, number>()
/** Iterations per unit tried for the search curve, on the first CURVE_DAYS days. */
const CURVE_ITERATIONS = [20_000, 40_000, 100_000, 200_000]
const CURVE_DAYS = 4
const ZONE_5: [number, number] = [-84.3935, 33.7633]
const EAST_EDGE: [number, number] = [-84.3492, 33.7554]
const FIVE_POINTS: [number, number] = [-84.3915, 33.7537]
/** The foot beat: places farther than this from its point are suppressed (outside the beat). */
const BEAT_RADIUS_M = 800
const now = () => performance.now()

interface Outcome {
  readonly ours: PatrolPlan
  readonly a: PatrolPlan
  readonly b: PatrolPlan
  readonly blind: PatrolPlan
  readonly ms: number[]
  readonly seedRatios: number[]
}

const out: string[] = []
const say = (line = '') => {
  out.push(line)
  console.log(line)
}

const loadStart = now()
const city = await loadPlanCity()
const loadMs = now() - loadStart
const zone5 = city.snapDrive(...ZONE_5)
const eastEdge = city.snapDrive(...EAST_EDGE)
const fivePoints = city.snapFoot(...FIVE_POINTS)
const byPlace = incidentsByPlace(city.data.incidents)
const allDays = pickDays(BACKTEST_DAYS)
const mainDays = new Set(allDays.slice(0, DAYS).map((d) => d.label))
allDays.sort((x, y) => x.midnight - y.midnight)

const outsideBeat = placesBeyond(city, FIVE_POINTS, BEAT_RADIUS_M)
const main: Array<{ day: string } & Outcome> = []
const curveRequests: PlanRequest[] = []
const exploration: Array<{ ratio: number; share: number }> = []
const eight: Outcome[] = []
const edge: Outcome[] = []
const foot: Outcome[] = []
const backtest = { ours: 0, a: 0, b: 0, blind: 0, all: 0, days: 0, officerHours: 0 }
for (const day of allDays) {
  const shiftStartMs = day.midnight + 15 * 3_600_000
  const prizes = hourlyPrizes(city.model, day.midnight, shiftStartMs, 8)
  const cars = (n: number, start: SegmentPosition) =>
    Array.from({ length: n }, (_, i) => ({ id: `car${i + 1}`, mode: 'drive' as const, start }))
  const request = (units: PlanRequest['units'], dwellMinutes = 12): PlanRequest => ({
    graphs: { drive: city.drive, foot: city.foot },
    shiftStartMs,
    shiftHours: 8,
    units,
    prizes,
    dwellMinutes,
    seed: day.seed,
    explorationShare: 0,
  })
  const isMain = mainDays.has(day.label)
  const result = await compare(request(cars(4, zone5)), isMain ? SEEDS : 1)
  backtest.ours += crimesOnDwells(result.ours, byPlace)
  backtest.a += crimesOnDwells(result.a, byPlace)
  backtest.b += crimesOnDwells(result.b, byPlace)
  backtest.blind += crimesOnDwells(result.blind, byPlace)
  backtest.all += crimesBetween(city.data.incidents, shiftStartMs, shiftStartMs + 8 * 3_600_000)
  backtest.officerHours += 4 * 8
  backtest.days++
  if (!isMain) continue
  if (curveRequests.length < CURVE_DAYS) curveRequests.push(request(cars(4, zone5)))
  main.push({ day: day.label, ...result })
  eight.push(await compare(request(cars(8, zone5), 15), 1))
  edge.push(await compare(request(cars(4, eastEdge)), 1))
  const walkers = [1, 2].map((i) => ({ id: `foot${i}`, mode: 'foot' as const, start: fivePoints }))
  const beat = {
    ...request(walkers),
    shiftHours: 4,
    prizes: prizes.slice(0, 4),
    suppress: outsideBeat,
  }
  foot.push(await compare(beat, 1))
  const exploring = await planPatrol(
    { ...request(cars(4, zone5)), explorationShare: 0.1 },
    apiSearch(4),
  )
  const stops = exploring.units.flatMap((u) => u.stops)
  exploration.push({
    ratio: exploring.totals.ratio,
    share: stops.filter((st) => st.kind === 'exploration').length / stops.length,
  })
  const last = main[main.length - 1]
  console.log(
    `${day.label}: ratio ${last.ours.totals.ratio.toFixed(3)} A ${last.a.totals.ratio.toFixed(3)} B ${last.b.totals.ratio.toFixed(3)} blind ${last.blind.totals.ratio.toFixed(3)} ms ${last.ms.map((m) => m.toFixed(0)).join('/')}`,
  )
}

const curve = await searchCurve()
const milan = await benchMilan()
report()

/** Value/bound and time against the iteration count, with no deadline (reproducible runs). */
async function searchCurve() {
  const rows: Array<{ perUnit: number; ratio: number; ms: number }> = []
  for (const perUnit of CURVE_ITERATIONS) {
    const ratios: number[] = []
    const ms: number[] = []
    for (const request of curveRequests) {
      const t = now()
      const plan = await planPatrol(request, { iterations: 4 * perUnit })
      ms.push(now() - t)
      ratios.push(plan.totals.ratio)
    }
    rows.push({ perUnit, ratio: mean(ratios), ms: mean(ms) })
  }
  return rows
}

async function compare(request: PlanRequest, seeds: number): Promise<Outcome> {
  const runs: PatrolPlan[] = []
  const ms: number[] = []
  for (let s = 0; s < seeds; s++) {
    const t = now()
    runs.push(
      await planPatrol({ ...request, seed: request.seed + s }, apiSearch(request.units.length)),
    )
    ms.push(now() - t)
  }
  for (const run of runs) {
    const how = run.search.stoppedBy
    stoppedBy.set(how, (stoppedBy.get(how) ?? 0) + 1)
  }
  return {
    ours: runs[0],
    a: planTopKNearest(request),
    b: await planRatioGreedy(request),
    blind: await planTimeBlind(request, apiSearch(request.units.length)),
    ms,
    seedRatios: runs.map((r) => r.totals.ratio),
  }
}

async function benchMilan() {
  const loaded = await loadMilanDrive()
  const depots = milanDepots(loaded.graph, 4)
  const units = Array.from({ length: 20 }, (_, i) => ({
    id: `car${i + 1}`,
    mode: 'drive' as const,
    start: depots[i % 4],
  }))
  const request: PlanRequest = {
    graphs: { drive: loaded.plan },
    shiftStartMs: Date.UTC(2022, 2, 14, 14),
    shiftHours: 8,
    units,
    prizes: milanPrizes(loaded.graph, 8, 7),
    seed: 1,
    explorationShare: 0,
  }
  const runs: Array<{ ms: number; plan: PatrolPlan }> = []
  for (let s = 0; s < 3; s++) {
    const t = now()
    const plan = await planPatrol({ ...request, seed: s + 1 }, apiSearch(units.length))
    runs.push({ ms: now() - t, plan })
  }
  const b = await planRatioGreedy(request)
  return { loadMs: loaded.ms, segments: loaded.graph.segmentCount, runs, b }
}

function summary(name: string, outcomes: ReadonlyArray<Outcome>) {
  const v = (f: (o: Outcome) => number) => outcomes.map(f)
  const ratio = v((o) => o.ours.totals.ratio)
  const vsA = v((o) => o.ours.totals.value / o.a.totals.value)
  const vsB = v((o) => o.ours.totals.value / o.b.totals.value)
  const vsBlind = v((o) => o.ours.totals.value / o.blind.totals.value)
  const ms = outcomes.flatMap((o) => o.ms)
  const travel = v(
    (o) => o.ours.totals.travelMinutes / (o.ours.totals.travelMinutes + o.ours.totals.dwellMinutes),
  )
  const row = [
    name,
    mean(ratio).toFixed(3),
    Math.min(...ratio).toFixed(3),
    mean(v((o) => o.a.totals.ratio)).toFixed(3),
    mean(v((o) => o.b.totals.ratio)).toFixed(3),
    mean(v((o) => o.blind.totals.ratio)).toFixed(3),
    mean(vsA).toFixed(3),
    mean(vsB).toFixed(3),
    `${mean(vsBlind).toFixed(2)} (min ${Math.min(...vsBlind).toFixed(2)})`,
    `${(100 * mean(travel)).toFixed(1)} %`,
    `${quantile(ms, 0.5).toFixed(0)} / ${quantile(ms, 0.95).toFixed(0)}`,
  ]
  return {
    row,
    ratio: mean(ratio),
    vsA: mean(vsA),
    vsB: mean(vsB),
    vsBlind: mean(vsBlind),
    p95: quantile(ms, 0.95),
  }
}

function report() {
  const commit = execSync('git rev-parse --short HEAD').toString().trim()
  say(
    '`npx tsx bench/plans.bench.ts` (`npm run bench:plans`; PLAN_DAYS, PLAN_SEEDS, BACKTEST_DAYS change the run; WRITE_RESULTS=1 rewrites this section). Exploration is 0 for every quality figure except its own line. value/bound = plan value ÷ teleport bound (model in src/routing/index.ts); A = top-k nearest, B = ratio greedy, blind = the planner with one bucket per shift, its dwells rescored hourly; "vs X" = mean over days of our value ÷ X\'s. ' +
      `Every plan is searched as POST /v1/plans searches it: ${API_ITERATIONS_PER_UNIT.toLocaleString('en')} iterations per unit (the same seed gives the same plan) under the API's ${API_BUDGET_MS / 1000} s guard; times are end to end (tables, construction, search, paths). ` +
      'The load average when the run started is given below: absolute ms are noisy on a shared machine.',
  )
  say()
  say(
    `Machine: ${availableParallelism()} × ${cpus()[0]?.model.trim()}; Node ${process.version}; commit ${commit}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
  )
  say(
    `Atlanta loaded in ${(loadMs / 1000).toFixed(1)} s (network, ${city.data.incidents.length} snapped COBRA incidents, risk model); ${city.data.segments.length} places.`,
  )
  say(
    `Days (seeded, 2022 test window, shift 15:00-23:00 America/New_York, risk as of local midnight): ${main.map((m) => m.day).join(', ')}.`,
  )
  say()
  const head = [
    'case',
    'value / bound',
    'min',
    'A / bound',
    'B / bound',
    'blind / bound',
    'vs A',
    'vs B',
    'vs blind',
    'travel share',
    'p50 / p95 ms',
  ]
  const atlanta = summary(`4 cars × 12 min, Zone 5 (${main.length} days × ${SEEDS} seeds)`, main)
  const rows = [
    atlanta.row,
    summary(`8 cars × 15 min, Zone 5`, eight).row,
    summary(`4 cars × 12 min, east edge (8.7 min from Zone 5)`, edge).row,
    summary(`2 on foot × 12 min, 15-19 h, ${BEAT_RADIUS_M} m beat round Five Points`, foot).row,
  ]
  say(table(head, rows))
  say()
  say(
    `Searches stopped by: ${[...stoppedBy].map(([how, n]) => `${how} ${n}`).join(', ')} (all timed Atlanta plans above).`,
  )
  const spread = main.map((m) => Math.max(...m.seedRatios) - Math.min(...m.seedRatios))
  say(
    `Seeds: the ${SEEDS} seeds of a day give different plans whose value/bound differs by ${mean(spread).toFixed(3)} on average (max ${Math.max(...spread).toFixed(3)}).`,
  )
  say(
    `Foot beat: ${city.data.segments.length - outsideBeat.length} places within ${BEAT_RADIUS_M} m of Five Points (the rest suppressed); ${mean(foot.map((f) => f.ours.totals.km)).toFixed(1)} km walked on average by the two officers together.`,
  )
  say(
    `Exploration at the default 10 %: value/bound ${mean(exploration.map((e) => e.ratio)).toFixed(3)} (${main.length} days, seed 1); exploration stops are ${(100 * mean(exploration.map((e) => e.share))).toFixed(1)} % of all stops.`,
  )
  say()
  const perOfficerHour = (x: number) => (x / backtest.officerHours).toFixed(4)
  say(
    `Route-level back-test, ${backtest.days} days (4 cars, Zone 5): crimes that occurred on a dwelt place during the dwell's hour (each place-hour once), per officer-hour; ${backtest.all.toFixed(0)} crimes occurred on the places in those shifts.`,
  )
  say()
  say(
    table(
      ['planner', 'crimes on dwells', 'per officer-hour', 'share of all shift crimes'],
      [
        [
          'ours',
          backtest.ours.toFixed(1),
          perOfficerHour(backtest.ours),
          `${((100 * backtest.ours) / backtest.all).toFixed(1)} %`,
        ],
        [
          'A top-k nearest',
          backtest.a.toFixed(1),
          perOfficerHour(backtest.a),
          `${((100 * backtest.a) / backtest.all).toFixed(1)} %`,
        ],
        [
          'B ratio greedy',
          backtest.b.toFixed(1),
          perOfficerHour(backtest.b),
          `${((100 * backtest.b) / backtest.all).toFixed(1)} %`,
        ],
        [
          'time-blind',
          backtest.blind.toFixed(1),
          perOfficerHour(backtest.blind),
          `${((100 * backtest.blind) / backtest.all).toFixed(1)} %`,
        ],
      ],
    ),
  )
  say()
  say(
    `Search curve (no deadline, reproducible; first ${curveRequests.length} days, 4 cars, seed = day):`,
  )
  say()
  say(
    table(
      ['iterations per unit', 'value / bound', 'mean ms end to end'],
      curve.map((c) => [c.perUnit, c.ratio.toFixed(3), c.ms.toFixed(0)]),
    ),
  )
  say()
  const milanMs = milan.runs.map((r) => r.ms)
  say(
    `Milan drive (${milan.segments} segments, loaded in ${(milan.loadMs / 1000).toFixed(1)} s), 20 cars from 4 depots, 8 h, synthetic prize (${MILAN_HOT_PLACES} seeded hot segments, see bench/lib/plan-milan.ts): end to end ${milanMs.map((m) => (m / 1000).toFixed(1)).join(' / ')} s for 3 seeds; value/bound ${mean(milan.runs.map((r) => r.plan.totals.ratio)).toFixed(3)} vs B ${milan.b.totals.ratio.toFixed(3)}; search ${milan.runs.map((r) => `${r.plan.search.iterations} iterations (${r.plan.search.stoppedBy})`).join(', ')}.`,
  )
  if (process.env.WRITE_RESULTS === '1')
    writeSection(new URL('./RESULTS.md', import.meta.url).pathname, 'Plans', out.join('\n'))
  console.log(
    `ratio ${atlanta.ratio.toFixed(3)} vsA ${atlanta.vsA.toFixed(3)} vsB ${atlanta.vsB.toFixed(3)} vsBlind ${atlanta.vsBlind.toFixed(2)} p95ms ${atlanta.p95.toFixed(0)}`,
  )
}

/** Places (risk segments) whose representative point lies farther than `radiusM` from `point`. */
function placesBeyond(city: PlanCity, point: [number, number], radiusM: number): number[] {
  return city.data.segments
    .filter((s) => s.point && haversineM(point[0], point[1], s.point[0], s.point[1]) > radiusM)
    .map((s) => s.index)
}

/** `n` distinct seeded days of the 2022 test window (Jan 1 – Oct 23). */
function pickDays(n: number) {
  const random = mulberry32(2022)
  const picked = new Set<number>()
  while (picked.size < Math.min(n, 296)) picked.add(Math.floor(random() * 296))
  return [...picked].map((offset) => {
    const date = new Date(Date.UTC(2022, 0, 1 + offset))
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]
    return {
      label: date.toISOString().slice(0, 10),
      midnight: atlantaMidnight(y, m, d),
      seed: offset,
    }
  })
}
