import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { insertPlan } from '../../src/db/plans.js'
import { finishSlot, insertSchedule } from '../../src/db/schedules.js'
import type { PlanDocument } from '../../src/exports/index.js'
import { areaCell } from '../../src/reports/index.js'
import { weeklyReport, weeklyReportMarkdown } from '../../src/services/schedule-report.js'
import { DIALECTS, insertTestville, openTestDatabase } from '../helpers/db.js'

// SYNTHETIC incidents and a hand-made plan. Three places ≈ 4 km apart (beyond the 1 km label reach):
const DOWNTOWN = [-84.39, 33.75] as const // segment w1:1-2, neighbourhood from its incidents
const EAST = [-84.35, 33.75] as const // segment w2:1-2, incidents without a neighbourhood
const FAR_EAST = [-84.3, 33.75] as const // segment w3:1-2, no incidents at all
const RISK_AS_OF = new Date('2022-03-07T05:00:00Z')

describe.each(DIALECTS)(
  '%s: the exposure audit counts crimes by the patrol area key',
  (dialect) => {
    let handle: DbHandle
    let scheduleId: string

    beforeAll(async () => {
      handle = await openTestDatabase(dialect)
      const db = handle.db
      const networkId = await insertTestville(db)
      let line = 0
      const incident = async (
        [lon, lat]: readonly [number, number],
        neighbourhood: string | null,
        segment: string | null,
      ) => {
        line++
        const { id } = await db
          .insertInto('incident')
          .values({
            network_name: 'testville',
            source: 'synthetic',
            source_id: `i${line}`,
            offence: 'larceny',
            source_profile: 'generic',
            offence_code: null,
            local_category: 'larceny',
            category: 'larceny-theft',
            crime_against: 'property',
            enforcement: false,
            occurred_from: new Date('2022-02-01T12:00:00Z'),
            occurred_to: new Date('2022-02-01T12:00:00Z'),
            reported_at: new Date('2022-02-01T13:00:00Z'),
            lon,
            lat,
            neighbourhood,
            npu: null,
            beat: null,
            address: null,
            upload_id: 'synthetic',
            line,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        if (segment)
          await db
            .insertInto('incident_snap')
            .values({
              network_id: networkId,
              mode: 'drive',
              incident_id: id,
              segment_id: segment,
              distance_m: 5,
            })
            .execute()
      }
      for (let i = 0; i < 3; i++) await incident(DOWNTOWN, 'Downtown', 'w1:1-2')
      await incident(DOWNTOWN, null, 'w1:1-2') // no neighbourhood, but on a Downtown segment
      for (let i = 0; i < 2; i++) await incident(EAST, null, null) // no neighbourhood, no segment
      const schedule = await insertSchedule(
        db,
        {
          id: 'schedule-1',
          network_name: 'testville',
          network_id: networkId,
          week: '2022-W10',
          settings: {},
          risk_as_of: RISK_AS_OF,
          created_at: RISK_AS_OF,
        },
        [
          {
            day: '2022-03-07',
            shift: 'shift:1',
            shift_start: new Date('2022-03-07T20:00:00Z'),
            shift_hours: 8,
            units: 1,
            expected: 1,
            share: 1,
            explanation: 'synthetic',
            seed: 1,
          },
        ],
      )
      scheduleId = schedule.id
      const stop = (segmentId: string, position: readonly [number, number]) => ({
        segmentId,
        position,
        dwellMinutes: 12,
        kind: 'prize',
      })
      const document = {
        id: '00000000-0000-7000-8000-000000000001',
        shiftStart: '2022-03-07T20:00:00.000Z',
        shiftEnd: '2022-03-08T04:00:00.000Z',
        createdAt: '2022-03-07T05:00:00.000Z',
        units: [
          {
            stops: [
              stop('w1:1-2', DOWNTOWN),
              stop('w2:1-2', EAST),
              stop('w2:1-2', EAST),
              stop('w3:1-2', FAR_EAST),
            ],
          },
        ],
        totals: { value: 1, teleportBound: 2, ratio: 0.5 },
      } as unknown as PlanDocument
      await db.transaction().execute(async (trx) => {
        const planId = await insertPlan(trx, {
          document,
          networkId,
          request: {},
          apiKeyId: null,
        })
        await finishSlot(
          trx,
          { schedule_id: scheduleId, day: '2022-03-07', shift: 'shift:1' },
          planId,
          RISK_AS_OF,
        )
      })
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('counts crimes without a neighbourhood in the grid cell patrol minutes use', async () => {
      const report = (await weeklyReport(handle.db, scheduleId))!
      const json = JSON.parse(JSON.stringify(report)) as typeof report
      const area = (name: string) => json.exposure.areas.find((a) => a.area === name)
      const east = `grid ${areaCell(EAST[1], EAST[0])}`
      const farEast = `grid ${areaCell(FAR_EAST[1], FAR_EAST[0])}`
      expect(json.exposure.areas.map((a) => a.area).sort()).toEqual(
        [east, farEast, 'Downtown'].sort(),
      )
      // Downtown: 3 named crimes + 1 on its segment; east: 2 crimes in the cell; far east: none
      expect(area('Downtown')).toMatchObject({ crimes: 4, crimeShare: 4 / 6, patrolShare: 0.25 })
      expect(area(east)).toMatchObject({
        crimes: 2,
        crimeShare: 2 / 6,
        patrolShare: 0.5,
        flagged: false,
      })
      expect(area(east)!.ratio).toBeCloseTo(1.5, 9)
      expect(area(east)!.ratioNote).toBeNull()
      // patrol with no crime: an explicit null ratio and the reason, in JSON as in the object
      expect(area(farEast)).toEqual({
        area: farEast,
        patrolMinutes: 12,
        patrolShare: 0.25,
        crimes: 0,
        crimeShare: 0,
        ratio: null,
        ratioNote: 'patrol-without-crime',
        flagged: true,
      })
      expect(json.exposure.areas.reduce((a, x) => a + x.crimeShare, 0)).toBeCloseTo(1, 9)
      expect(weeklyReportMarkdown(report)).toContain(
        `| ${farEast} | 12 | 25.0 % | 0.0 % | ∞ (no crime) | **over-patrolled** |`,
      )
    })
  },
)
