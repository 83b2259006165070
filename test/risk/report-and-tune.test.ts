import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeBacktestReport } from '../../src/risk/backtest/report.js'
import { runBacktest } from '../../src/risk/backtest/run-backtest.js'
import { tunePromap, tuneScorer } from '../../src/risk/backtest/tune.js'
import { TZ, lineStreet, randomIncidents } from './fixtures.js'

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
  it('logs every configuration and never picks one below hot streets', () => {
    const result = tuneScorer(
      { segments, incidents },
      {
        ...window,
        axes: [
          { key: 'longTauDays', values: [30, 365] },
          { key: 'nearRepeatWeight', values: [0, 0.2] },
        ],
        sweeps: 1,
      },
    )
    expect(result.trials.length).toBeGreaterThanOrEqual(4)
    if (result.status === 'tuned') {
      for (const c of ['1', '5', '10', '20'])
        expect(result.best?.hitRate[c]).toBeGreaterThanOrEqual(result.hotStreets[c])
    } else {
      expect(result.trials.every((t) => !t.atLeastHotStreets)).toBe(true)
    }
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
