/**
 * Runs the final methods ONCE on the Atlanta test window (2022-01-01 … 2022-10-23) with the
 * parameters atlanta-validate.ts chose, and writes the reports under test-window/. Refuses to run
 * again while test-window/ exists (delete it on purpose to re-run, and say so in the results).
 * Run: npx tsx bench/backtest/atlanta-test.ts
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { runBacktest, writeBacktestReport, type BacktestOptions } from '../../src/risk/index.js'
import { ATLANTA_TZ, loadAtlanta } from '../lib/risk-atlanta.js'
import { SPARSE_GROUPS, finalMethod, loadTuned } from '../lib/risk-final-methods.js'
import { metricsTable } from '../lib/risk-tables.js'

const TEST = { from: '2022-01-01', to: '2022-10-23', timeZone: ATLANTA_TZ }
const OUT = new URL('./test-window/', import.meta.url).pathname

if (existsSync(OUT)) {
  console.error(
    `${OUT} exists: the test window has been scored already. Delete it on purpose to re-run.`,
  )
  process.exit(1)
}
const tuned = await loadTuned()
const data = await loadAtlanta()
const lines: string[] = [
  '# Risk scorer: test window (Atlanta, 2022-01-01 … 2022-10-23), scored once',
  '',
  `Parameters: tuned-params.json (validation ${tuned.validation.from} … ${tuned.validation.to}).`,
  '',
]
const run = async (
  title: string,
  folder: string,
  options: Omit<BacktestOptions, 'methods'>,
  names: string[],
) => {
  const started = performance.now()
  const result = runBacktest(data, {
    ...options,
    methods: names.map((m) => finalMethod(m, tuned)),
    promapTuned: tuned.promapTuned,
  })
  await writeBacktestReport(result, `${OUT}${folder}`)
  lines.push(
    `## ${title}`,
    '',
    `${result.crimes} crimes in ${result.periods} periods (${result.scoredPeriods} with crimes); ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    '',
    metricsTable(result),
    '',
  )
  console.log(lines.slice(-3).join('\n'))
}
await run('Daily, all Part-I', 'day', { ...TEST, horizon: 'day' }, [
  'default',
  'default-recency',
  'hot-streets',
  'promap-published',
  'promap-tuned',
])
await run(
  'Three shifts (forecast per shift, scored on that shift)',
  'shift',
  { ...TEST, horizon: 'shift' },
  ['default', 'default-no-buckets', 'default-recency', 'hot-streets'],
)
for (const [group, categories] of Object.entries(SPARSE_GROUPS)) {
  await run(
    `Weekly, ${group}`,
    `week-${group.replace(/\s+/g, '-')}`,
    { ...TEST, horizon: 'week', categories },
    ['default', 'default-recency', 'hot-streets'],
  )
}
await writeFile(`${OUT}TEST-RESULTS.md`, lines.join('\n'))
