/**
 * Risk bench. 1) The 296-day daily Atlanta back-test (2022-01-01 … 10-23) of the default scorer with
 * the tuned parameters, hot streets timed in the same run as the peer. 2) Risk for one bucket on the
 * Milan drive network (≈ 60k segments) with SYNTHETIC seeded incidents (Milan has no crime data).
 * Run: npx tsx bench/risk.bench.ts   (BENCH_RUNS=n repeats each timing; default 5)
 */
import { createReadStream } from 'node:fs'
import { DRIVE_AS_PROVENANCE, importNetwork } from '../src/network/index.js'
import {
  RiskModel,
  evaluateMethod,
  planBacktest,
  hotStreetsMethod,
  rankBucket,
  resolveScorerParams,
  scoreRisk,
  scorerMethod,
  type RiskSegment,
} from '../src/risk/index.js'
import { ATLANTA_TZ, loadAtlanta } from './lib/risk-atlanta.js'
import { loadTuned } from './lib/risk-final-methods.js'
import { syntheticIncidents } from './lib/risk-synthetic.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const MILAN_PBF = new URL(
  '../../shared/data/milan-large-graph/milan_italy_small.osm.pbf',
  import.meta.url,
).pathname
const MILAN_INCIDENTS = 100_000

function time<T>(run: () => T): { result: T; ms: number[] } {
  const ms: number[] = []
  let result: T | undefined
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    result = run()
    ms.push(performance.now() - started)
  }
  return { result: result as T, ms }
}

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b)
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length
  const sd = Math.sqrt(ms.reduce((a, b) => a + (b - mean) ** 2, 0) / ms.length)
  return `min ${sorted[0].toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, mean ${mean.toFixed(0)} ± ${sd.toFixed(0)} ms`
}

const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]

console.log(`node ${process.version}, ${RUNS} runs per timing`)
const loadStart = performance.now()
const atlanta = await loadAtlanta()
console.log(
  `Atlanta load (PBF + 5 COBRA files + snapping): ${(performance.now() - loadStart).toFixed(0)} ms, ${atlanta.segments.length} segments, ${atlanta.incidents.length} incidents`,
)
const tuned = await loadTuned()
const window = {
  from: '2022-01-01',
  to: '2022-10-23',
  timeZone: ATLANTA_TZ,
  horizon: 'day' as const,
}
const plan = planBacktest(atlanta, window)
const def = time(() => evaluateMethod(plan, scorerMethod('default', tuned.params.default)))
const hot = time(() => evaluateMethod(plan, hotStreetsMethod()))
const planTime = time(() => planBacktest(atlanta, window))
console.log(`back-test plan (${plan.periods.length} days): ${stats(planTime.ms)}`)
console.log(`default scorer, ${plan.periods.length} daily forecasts + scoring: ${stats(def.ms)}`)
console.log(`hot streets (peer), same days: ${stats(hot.ms)}`)
console.log(
  `default / hot streets: ${(median(def.ms) / median(hot.ms)).toFixed(2)}x; default back-test incl. plan: ${((median(def.ms) + median(planTime.ms)) / 1000).toFixed(2)} s (target < 5 s)`,
)

const milanStart = performance.now()
const milan = await importNetwork(createReadStream(MILAN_PBF), { profiles: [DRIVE_AS_PROVENANCE] })
const milanSegments: RiskSegment[] = milan.sets[0].segments.map((s, index) => ({
  index,
  id: s.id,
  lengthM: s.lengthM,
  highway: s.highway,
}))
console.log(
  `Milan drive network (PROVENANCE counting, no access filters): ${milanSegments.length} segments (import ${(performance.now() - milanStart).toFixed(0)} ms)`,
)
const asOfMs = Date.parse('2024-06-01T22:00:00Z')
const incidents = syntheticIncidents(milanSegments, MILAN_INCIDENTS, asOfMs, 3 * 365, 42)
const data = { segments: milanSegments, incidents }
const options = { asOfMs, timeZone: 'Europe/Rome', bucket: 'shift:2', limit: 500 }
const cold = time(() => scoreRisk(data, options))
const model = new RiskModel(milanSegments, resolveScorerParams(tuned.params.default), {
  timeZone: 'Europe/Rome',
})
model.addIncidents(incidents)
model.advanceTo(asOfMs)
const warm = time(() => rankBucket(model, options))
const peer = time(() => {
  const out = new Float64Array(milanSegments.length)
  for (const i of incidents)
    if ((i.reportedAtMs ?? i.occurredToMs) <= asOfMs)
      out[i.segmentIndex] += Math.exp(-(asOfMs - i.occurredToMs) / (365 * 86_400_000))
  const density = Array.from(out, (c, u) => c / milanSegments[u].lengthM)
  return milanSegments.map((_, u) => u).sort((a, b) => density[b] - density[a] || a - b)
})
console.log(
  `Milan, ${MILAN_INCIDENTS} SYNTHETIC incidents, one bucket (shift:2), top 500 explained:`,
)
console.log(`  scoreRisk from raw incidents: ${stats(cold.ms)}`)
console.log(`  rankBucket on a warm model:   ${stats(warm.ms)}`)
console.log(`  peer: hot-streets ranking from raw incidents: ${stats(peer.ms)}`)
console.log(
  `scoreRisk / peer ${(median(cold.ms) / median(peer.ms)).toFixed(2)}x; warm rankBucket ${median(warm.ms).toFixed(0)} ms (target < 200 ms)`,
)
