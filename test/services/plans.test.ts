import { readFileSync } from 'node:fs'
import type { KyselyPlugin, RootOperationNode } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { findNetwork } from '../../src/db/networks.js'
import { syncServiceTypes } from '../../src/db/report-types.js'
import { findSnapshot } from '../../src/db/risk.js'
import { parseServiceTypes } from '../../src/reports/index.js'
import type { NetworkCache } from '../../src/services/network-cache.js'
import {
  createPlan,
  hourlyPrizes,
  makePlan,
  PlanRefused,
  type PlanInput,
} from '../../src/services/plans.js'
import type { RiskService } from '../../src/services/risk.js'
import { PLANNABLE_MARCH_2022, seedAtlanta } from '../helpers/atlanta.js'
import { countRows, DIALECTS, openTestDatabase } from '../helpers/db.js'
import { insertTestReport } from '../helpers/reports.js'

/**
 * A two-way street piece south-west of downtown that the rest of the Atlanta drive network reaches
 * but that leads nowhere else: 18 intersections within reach of it.
 */
const ISLAND = { lon: -84.39845, lat: 33.74834 } as const

const input: PlanInput = {
  network: 'atlanta',
  shiftStart: new Date('2022-03-04T15:00:00-05:00'),
  shiftHours: 4,
  seed: 3,
  explorationShare: 0,
  units: [{ id: 'car-1', mode: 'drive', start: { station: 'apd-zone-5' } }],
}

/** Calls `hit` before the first query of the given kind on community_report runs. */
function onReportQuery(kind: RootOperationNode['kind'], hit: () => void): KyselyPlugin {
  return {
    transformQuery(args) {
      if (args.node.kind === kind && JSON.stringify(args.node).includes('"community_report"')) hit()
      return args.node
    },
    transformResult: async (args) => args.result,
  }
}

describe.each(DIALECTS)('%s: createPlan stores nothing for an abandoned request', (dialect) => {
  let handle: DbHandle
  let networks: NetworkCache
  let risk: RiskService

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    ;({ networks, risk } = await seedAtlanta(handle, PLANNABLE_MARCH_2022))
    await syncServiceTypes(
      handle.db,
      parseServiceTypes(readFileSync('data/report-types.json', 'utf8')),
    )
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('does not store a plan whose request was abandoned after the search', async () => {
    const controller = new AbortController()
    // the first community_report query after the search (welfare referrals) aborts the request
    const db = handle.db.withPlugin(
      onReportQuery('SelectQueryNode', () => controller.abort(new Error('timed out'))),
    )
    const before = await countRows(handle.db, 'patrol_plan')
    await expect(
      createPlan({ db, networks, risk }, input, { signal: controller.signal }),
    ).rejects.toThrow('timed out')
    expect(await countRows(handle.db, 'patrol_plan')).toBe(before)
  })

  it('rolls back the plan and its status notes together', async () => {
    const { document } = await makePlan({ db: handle.db, networks, risk }, input)
    const [lon, lat] = document.units[0]!.stops[0]!.position
    const at = new Date('2022-03-01T00:00:00Z')
    await insertTestReport(handle.db, {
      id: 'report-near-stop',
      network_name: 'atlanta',
      lat,
      lon,
      requested_at: at,
    })
    const notes = async () =>
      (
        await handle.db
          .selectFrom('community_report')
          .select('status_notes')
          .where('id', '=', 'report-near-stop')
          .executeTakeFirstOrThrow()
      ).status_notes
    // the request is abandoned while the notes are written, after the plan row
    const controller = new AbortController()
    const db = handle.db.withPlugin(
      onReportQuery('UpdateQueryNode', () => controller.abort(new Error('client left'))),
    )
    const before = await countRows(handle.db, 'patrol_plan')
    await expect(
      createPlan({ db, networks, risk }, input, { signal: controller.signal }),
    ).rejects.toThrow('client left')
    expect(await countRows(handle.db, 'patrol_plan')).toBe(before)
    expect(await notes()).toBeNull()
    // not abandoned: the plan and one note; the same plan again adds no second note
    const plan = await createPlan({ db: handle.db, networks, risk }, input)
    expect(await countRows(handle.db, 'patrol_plan')).toBe(before + 1)
    expect(await notes()).toMatch(/^patrol visit planned \d{4}-\d{2}-\d{2},? \d{2}:\d{2}$/)
    const again = await createPlan({ db: handle.db, networks, risk }, input)
    expect(again.id).not.toBe(plan.id)
    expect(await countRows(handle.db, 'patrol_plan')).toBe(before + 2)
    expect((await notes())!.split('\n')).toHaveLength(1)
  })
  it('prizes the short last hour of a shift by the part of the hour it covers', async () => {
    const network = (await findNetwork(handle.db, 'atlanta'))!
    const snapshot = (await findSnapshot(handle.db, {
      networkId: network.id,
      mode: 'drive',
      scheme: 'how',
      atOrBefore: input.shiftStart,
    }))!
    const drive = await networks.mode(network, 'drive')
    /** Each stop's credited crimes over its place's prize for the whole hour. */
    const shares = async (shiftHours: number) => {
      const { document } = await makePlan(
        { db: handle.db, networks, risk },
        { ...input, shiftHours },
      )
      const stops = document.units.flatMap((u) => u.stops)
      expect(stops.length).toBeGreaterThan(0)
      return stops.map((stop) => {
        const column = snapshot.segmentSeqs.indexOf(drive.segmentIndex.get(stop.segmentId)!)
        const b = snapshot.bucketIds.indexOf(stop.bucket)
        return stop.expectedCrimes / snapshot.expected[b * snapshot.segmentSeqs.length + column]!
      })
    }
    // a half-hour shift: one bucket holding half of its hour's expected crimes
    for (const share of await shares(0.5)) expect(share).toBeCloseTo(0.5, 6)
    for (const share of await shares(1)) expect(share).toBeCloseTo(1, 6)
  })

  it('refuses a unit whose end cannot be reached from its start', async () => {
    const unit = {
      id: 'car-1',
      mode: 'drive' as const,
      start: ISLAND,
      end: { station: 'apd-zone-5' },
    }
    const refused = await makePlan({ db: handle.db, networks, risk }, { ...input, units: [unit] })
      .then(() => undefined)
      .catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(PlanRefused)
    expect(refused).toMatchObject({
      code: 'end-unreachable',
      details: { field: 'units[0].end', unitId: 'car-1' },
    })
  })

  it('warns about a start on an isolated piece of street', async () => {
    const { document } = await makePlan(
      { db: handle.db, networks, risk },
      {
        ...input,
        units: [
          { id: 'car-1', mode: 'drive', start: ISLAND },
          { id: 'car-2', mode: 'drive', start: { station: 'apd-zone-5' } },
        ],
      },
    )
    expect(document.warnings.filter((w) => w.code === 'start-isolated')).toEqual([
      expect.objectContaining({ unitId: 'car-1' }),
    ])
  })

  it('prizes a shift hour by the hour-of-week buckets it overlaps', async () => {
    const network = (await findNetwork(handle.db, 'atlanta'))!
    // Friday 15:30 EST: the first shift hour is half how:111 (15:00) and half how:112 (16:00)
    const shiftStart = new Date('2022-03-04T15:30:00-05:00')
    const snapshot = (await findSnapshot(handle.db, {
      networkId: network.id,
      mode: 'drive',
      scheme: 'how',
      atOrBefore: shiftStart,
    }))!
    const context = await risk.context(network, 'drive')
    const rows = hourlyPrizes(snapshot, context, shiftStart.getTime(), 2.5)
    expect(rows).toHaveLength(3)
    const columns = snapshot.segmentSeqs.length
    const expected = (id: string, i: number) =>
      snapshot.expected[snapshot.bucketIds.indexOf(id) * columns + i]!
    let differs = 0
    snapshot.segmentSeqs.forEach((seq, i) => {
      const place = context.riskIndexOf[seq]!
      if (place < 0) return
      expect(rows[0]![place]).toBeCloseTo(
        0.5 * expected('how:111', i) + 0.5 * expected('how:112', i),
        12,
      )
      expect(rows[1]![place]).toBeCloseTo(
        0.5 * expected('how:112', i) + 0.5 * expected('how:113', i),
        12,
      )
      // the last half hour, 17:30–18:00, lies in how:113 only
      expect(rows[2]![place]).toBeCloseTo(0.5 * expected('how:113', i), 12)
      if (Math.abs(expected('how:111', i) - expected('how:112', i)) > 1e-9) differs++
    })
    // the case tells the buckets apart
    expect(differs).toBeGreaterThan(100)
  })
})
