import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeBacktestReport } from '../../src/risk/backtest/report.js'
import { runBacktest } from '../../src/risk/backtest/run-backtest.js'
import { scorerMethod } from '../../src/risk/backtest/methods.js'
import { tunePromap, tuneScorer } from '../../src/risk/backtest/tune.js'
import { NO_BUCKETS } from '../../src/risk/buckets.js'
import { DEFAULT_SCORER_PARAMS } from '../../src/risk/scorer-params.js'
import { HOUR_MS } from '../../src/time/index.js'
import type { RiskIncident } from '../../src/risk/types.js'
import { DAY, T0, TZ, crime, lineStreet, randomIncidents } from './fixtures.js'

const segments = lineStreet([100, 40, 250, 80, 120, 60, 300, 90, 30, 150])
const incidents = randomIncidents(21, segments.length, 800, 500)
const window = { from: '2023-01-01', to: '2023-02-15', timeZone: TZ, horizon: 'day' as const }
const dirs: string[] = []

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describe('writeBacktestReport', () => {
  it('writes report.md, metrics.json in the documented shape and an SVG plot', async () => {
    const result = runBacktest(
      { segments, incidents },
      { ...window, methods: ['default', 'promap-published'] },
    )
    const dir = await mkdtemp(join(tmpdir(), 'risk-report-'))
    dirs.push(dir)
    const paths = await writeBacktestReport(result, dir)
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual([
      'report.md',
      'metrics.json',
      'hit-rate.svg',
    ])
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'))
    expect(Object.keys(metrics.methods.default.hitRate)).toEqual(['1', '5', '10', '20'])
    expect(metrics.methods.default.wilcoxon['5'].p).toBeGreaterThan(0)
    expect(metrics.methods['hot-streets'].wilcoxon).toBeUndefined()
    expect(metrics.methods.default.meanOfPeriods.peiStar['5']).toBeLessThanOrEqual(1)
    const markdown = await readFile(join(dir, 'report.md'), 'utf8')
    expect(markdown).toContain('| promap-published |')
    expect(markdown).toContain('![hit rate against coverage](hit-rate.svg)')
    const svg = await readFile(join(dir, 'hit-rate.svg'), 'utf8')
    expect(svg.match(/<polyline/g)).toHaveLength(3)
  })
})

describe('tuneScorer', () => {
  it('never picks a configuration below hot streets, even when it wins the objective', () => {
    // Segment 0 has 2 crimes a day throughout; segment 1 was hotter, but only in the first half of
    // 2022; each day d one of segments 2…11 (b_d) gets 4 crimes the day before and 1 on day d. Hot
    // streets ranks 0 then 1 (HR@5 2/7, HR@10 2/7); τ = 1 day ranks b_d then 0 (HR@5 1/7, HR@10
    // 3/7): best at the objective (10 %), below hot streets at 5 %.
    const streets = lineStreet(Array.from({ length: 20 }, () => 100))
    const burst = (d: number) => 2 + (d % 10)
    const noon = (d: number) => T0 + d * DAY + 12 * HOUR_MS
    const data = { segments: streets, incidents: [] as RiskIncident[] }
    for (let d = 0; d < 400; d++) {
      data.incidents.push(crime(0, noon(d) - 2 * HOUR_MS), crime(0, noon(d) + 2 * HOUR_MS))
      if (d < 181) for (let k = 0; k < 3; k++) data.incidents.push(crime(1, noon(d) + k * HOUR_MS))
      for (let k = 0; k < 4; k++) data.incidents.push(crime(burst(d + 1), noon(d) + k * HOUR_MS))
      data.incidents.push(crime(burst(d), noon(d) + 5 * HOUR_MS))
    }
    const result = tuneScorer(data, {
      ...window,
      to: '2023-01-31',
      coverages: [5, 10],
      objective: 10,
      tieBreak: 5,
      axes: [{ key: 'longTauDays', values: [1, 365] }],
      sweeps: 1,
    })
    expect(result.hotStreets['5']).toBeCloseTo(100 * (2 / 7), 9)
    expect(result.hotStreets['10']).toBeCloseTo(100 * (2 / 7), 9)
    const short = result.trials.find((t) => t.changes.longTauDays === 1)
    expect(short?.hitRate['5']).toBeCloseTo(100 * (1 / 7), 9)
    expect(short?.hitRate['10']).toBeCloseTo(100 * (3 / 7), 9)
    expect(short?.atLeastHotStreets).toBe(false)
    expect(result.status).toBe('tuned')
    expect(result.params?.longTauDays).toBe(365)
    expect(result.best?.changes.longTauDays).not.toBe(1)
    for (const c of ['5', '10'])
      expect(result.best?.hitRate[c]).toBeGreaterThanOrEqual(result.hotStreets[c])
    expect(short?.hitRate['10']).toBeGreaterThan(result.best?.hitRate['10'] ?? Infinity)
  })

  it('refuses when every configuration scores below hot streets', () => {
    const result = tuneScorer(
      { segments, incidents },
      {
        ...window,
        base: { defaultCategoryWeight: 0 },
        axes: [{ key: 'nearRepeatWeight', values: [0, 0.2] }],
        sweeps: 1,
      },
    )
    expect(result.status).toBe('refused')
    expect(result.params).toBeUndefined()
    expect(result.fallback).toMatchObject({
      longTauDays: 365,
      nearRepeatWeight: 0,
      borrowDefault: 0,
    })
  })
})

describe('tuneScorer parameters', () => {
  const accept = { floorTolerance: 100, sweeps: 1 }

  it('keeps the default cross-type borrowing when the base is partial', () => {
    const result = tuneScorer(
      { segments, incidents },
      {
        ...window,
        ...accept,
        base: { profileStrength: 5 },
        axes: [{ key: 'nearRepeatWeight', values: [0] }],
      },
    )
    expect(result.status).toBe('tuned')
    expect(result.params?.profileStrength).toBe(5)
    expect(result.params?.borrowByCategory).toEqual(DEFAULT_SCORER_PARAMS.borrowByCategory)
  })

  it('scores every trial with the base resolved over the defaults', () => {
    const streets = lineStreet(Array.from({ length: 40 }, (_, k) => 50 + ((k * 37) % 200)))
    const data = { segments: streets, incidents: randomIncidents(5, streets.length, 3000, 500) }
    const base = { profileStrength: 5 }
    const burglary = { ...window, to: '2023-03-31', horizon: 'week' as const, categories: ['220'] }
    const result = tuneScorer(data, {
      ...burglary,
      ...accept,
      base,
      axes: [{ key: 'borrow:220', values: [0.5] }],
    })
    const untouched = result.trials.find((t) => Object.keys(t.changes).length === 0)
    const same = result.trials.find((t) => t.changes['borrow:220'] === 0.5)
    const direct = runBacktest(data, { ...burglary, params: base, methods: ['default'] })
    for (const c of ['1', '5', '10', '20']) {
      expect(untouched?.hitRate[c]).toBeCloseTo(direct.methods.default.meanOfPeriods.hitRate[c], 9)
      // 0.5 is the default β of burglary, so this trial is the base itself
      expect(same?.hitRate[c]).toBe(untouched?.hitRate[c])
    }
  })

  it('falls back to a scorer that ranks exactly as hot streets does', () => {
    // buckets, category weights and these reports each change the ranking on their own
    const shiftWindow = { ...window, to: '2023-01-20', horizon: 'shift' as const }
    const reports = Array.from({ length: 200 }, (_, k) => ({
      segmentIndex: k % 2 === 0 ? 2 : 7,
      reportedAtMs: T0 + k * 60 * HOUR_MS,
      type: 'graffiti',
    }))
    const data = { segments, incidents, reports }
    const result = tuneScorer(data, {
      ...shiftWindow,
      sweeps: 1,
      base: {
        categoryWeights: { '23F': 5, '240': 0 },
        defaultCategoryWeight: 0.5,
        reports: { graffiti: { weight: 1, cap: 10 } },
      },
      axes: [{ key: 'nearRepeatWeight', values: [0] }],
    })
    expect(result.fallback).toMatchObject({
      longTauDays: 365,
      nearRepeatWeight: 0,
      borrowDefault: 0,
      borrowByCategory: {},
      buckets: NO_BUCKETS,
      categoryWeights: {},
      defaultCategoryWeight: 1,
      reports: {},
    })
    const compared = runBacktest(data, {
      ...shiftWindow,
      coverages: [1, 5, 10, 20, 50],
      methods: [scorerMethod('fallback', result.fallback), 'hot-streets'],
    })
    for (const c of ['1', '5', '10', '20', '50'])
      expect(compared.methods.fallback.hitRate[c]).toBeCloseTo(
        compared.methods['hot-streets'].hitRate[c],
        9,
      )
  })
})

describe('tunePromap', () => {
  it('returns the grid point with the best hit rate at 5 %', () => {
    const result = tunePromap(
      { segments, incidents },
      { ...window, bandwidthsM: [100, 300], tauDays: [30, 120] },
    )
    expect(result.trials).toHaveLength(4)
    const best = Math.max(...result.trials.map((t) => t.hitRate['5']))
    expect(
      result.trials.find((t) => t.bandwidthM === result.bandwidthM && t.tauDays === result.tauDays)
        ?.hitRate['5'],
    ).toBe(best)
  })
})
