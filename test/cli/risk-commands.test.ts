import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { jsonSummary, runPatrol } from '../helpers/cli.js'

describe('patrol backtest, tune and risk snapshot', () => {
  const root = mkdtempSync(join(tmpdir(), 'patrol-risk-cli-'))
  const env = { PGLITE_DIR: join(root, 'db') }

  beforeAll(async () => {
    const handle = await openDatabase({ pgliteDir: env.PGLITE_DIR })
    await migrateToLatest(handle.db)
    await seedAtlanta(handle, { years: ['2021', '2022'], now: new Date('2026-11-24T12:00:00Z') })
    await handle.close()
  })

  it('writes report.md, metrics.json and the hit-rate plot for a window', async () => {
    const out = join(root, 'bt')
    const run = await runPatrol(
      [
        'backtest',
        '--network',
        'atlanta',
        '--from',
        '2022-01-01',
        '--to',
        '2022-01-14',
        '--methods',
        'default,hot-streets,promap-published',
        '--out',
        out,
        '--json',
      ],
      env,
    )
    expect(run.code).toBe(0)
    expect(jsonSummary(run)).toMatchObject({ ok: true, periods: 14 })
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))
    expect(Object.keys(metrics.methods).sort()).toEqual([
      'default',
      'hot-streets',
      'promap-published',
    ])
    for (const name of ['default', 'hot-streets']) {
      const m = metrics.methods[name]
      expect(Object.keys(m.hitRate).sort()).toEqual(['1', '10', '20', '5'])
      expect(m.pai['5']).toBeCloseTo(m.hitRate['5'] / 5, 0)
      expect(m.peiStar['20']).toBeLessThanOrEqual(1)
    }
    expect(metrics.methods.default.wilcoxon['5'].p).toBeGreaterThan(0)
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /^# Back-test 2022-01-01 … 2022-01-14 \(day\)/,
    )
    expect(readFileSync(join(out, 'hit-rate.svg'), 'utf8')).toMatch(/^<svg /)
  })

  it('refuses promap-tuned before tuning, and bad dates', async () => {
    const noTune = await runPatrol(
      [
        'backtest',
        '--network',
        'atlanta',
        '--from',
        '2022-01-01',
        '--to',
        '2022-01-02',
        '--methods',
        'promap-tuned',
        '--out',
        join(root, 'x'),
      ],
      env,
    )
    expect(noTune.code).toBe(1)
    expect(noTune.stderr).toMatch(/promap-tuned needs tuned bandwidths: run `patrol tune`/)
    const dates = await runPatrol(
      [
        'backtest',
        '--network',
        'atlanta',
        '--from',
        '2022-02-01',
        '--to',
        '2022-01-01',
        '--out',
        join(root, 'x'),
      ],
      env,
    )
    expect(dates.stderr).toMatch(/--from 2022-02-01 is after --to 2022-01-01/)
    expect(existsSync(join(root, 'x'))).toBe(false)
  })

  it('tunes on a validation window, or refuses with exit code 2 when nothing reaches hot streets', async () => {
    const run = await runPatrol(
      ['tune', '--network', 'atlanta', '--from', '2021-12-01', '--to', '2021-12-14', '--json'],
      env,
    )
    const summary = jsonSummary(run)
    if (summary.status === 'refused') {
      expect(run.code).toBe(2)
      expect(run.stdout).not.toMatch(/chosen/)
    } else {
      expect(run.code).toBe(0)
      const best = summary.best as { hitRate: Record<string, number> }
      const hot = summary.hotStreets as Record<string, number>
      for (const c of ['1', '5', '10', '20']) expect(best.hitRate[c]).toBeGreaterThanOrEqual(hot[c])
    }
  })

  it('stores snapshots as of an instant', async () => {
    const run = await runPatrol(
      [
        'risk',
        'snapshot',
        '--network',
        'atlanta',
        '--as-of',
        '2022-03-04T00:00:00-05:00',
        '--json',
      ],
      env,
    )
    expect(run.code).toBe(0)
    expect((jsonSummary(run).snapshots as unknown[]).length).toBe(4)
  })

  it('plans a shift from the snapshot and writes it as GPX', async () => {
    const out = join(root, 'plan.gpx')
    const run = await runPatrol(
      [
        'plan',
        '--network',
        'atlanta',
        '--shift-start',
        '2022-03-04T15:00:00-05:00',
        '--hours',
        '8',
        '--unit',
        'car-1:drive:-84.3935,33.7633',
        '--unit',
        'car-2:drive:-84.3935,33.7633',
        '--seed',
        '5',
        '--exploration',
        '0',
        '--out',
        out,
        '--json',
      ],
      env,
    )
    expect(run.code).toBe(0)
    const totals = jsonSummary(run).totals as { value: number; teleportBound: number }
    expect(totals.value).toBeGreaterThan(0)
    expect(totals.value).toBeLessThanOrEqual(totals.teleportBound)
    expect(readFileSync(out, 'utf8')).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<gpx version="1.1"/,
    )
    const bad = await runPatrol(
      [
        'plan',
        '--network',
        'atlanta',
        '--shift-start',
        '2022-03-04T15:00',
        '--hours',
        '8',
        '--unit',
        'x',
        '--seed',
        '1',
        '--out',
        join(root, 'p.gpx'),
      ],
      env,
    )
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--shift-start must be an ISO instant with an offset/)
  })
})
