import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { syncServiceTypes } from '../../src/db/report-types.js'
import type { PlanDocument } from '../../src/exports/index.js'
import { parseServiceTypes } from '../../src/reports/index.js'
import { noteVisits } from '../../src/services/plan-reports.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'
import { insertTestReport } from '../helpers/reports.js'

// SYNTHETIC reports and a hand-made plan: 0.001° of latitude is 111 m
const DWELL = [-84.39, 33.76] as const
const M_PER_DEG_LAT = 111_195

function planAt(arrive: string): Parameters<typeof noteVisits>[2] {
  const stop = { segmentId: 'w1:1-2', position: DWELL, arrive }
  return {
    timezone: 'America/New_York',
    shiftStart: '2022-03-04T20:00:00.000Z',
    shiftEnd: '2022-03-05T04:00:00.000Z',
    units: [{ start: DWELL, end: DWELL, stops: [stop] }] as unknown as PlanDocument['units'],
  }
}

describe.each(DIALECTS)('%s: planned-visit notes on resident reports', (dialect) => {
  let handle: DbHandle

  const report = async (id: string, northM: number, segmentId: string | null) => {
    const lat = DWELL[1] + northM / M_PER_DEG_LAT
    const at = new Date('2022-03-01T00:00:00Z')
    await insertTestReport(handle.db, {
      id,
      network_name: 'testville',
      lat,
      lon: DWELL[0],
      segment_id: segmentId,
      requested_at: at,
    })
  }
  const notes = async (id: string) =>
    (
      await handle.db
        .selectFrom('community_report')
        .select('status_notes')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status_notes

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    await syncServiceTypes(
      handle.db,
      parseServiceTypes(readFileSync('data/report-types.json', 'utf8')),
    )
    await report('near', 40, 'w9:8-9') // another segment, 40 m from the dwell
    await report('same-segment', 400, 'w1:1-2') // the dwelt segment, 400 m from its middle
    await report('far', 200, 'w9:8-9') // another segment, 200 m away
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('notes reports on the dwelt segment or within 60 m of the dwell, and no others', async () => {
    expect(await noteVisits(handle.db, 'testville', planAt('2022-03-04T20:30:00.000Z'))).toBe(2)
    expect(await notes('near')).toBe('patrol visit planned 2022-03-04, 15:30')
    expect(await notes('same-segment')).toBe('patrol visit planned 2022-03-04, 15:30')
    expect(await notes('far')).toBeNull()
  })

  it('does not repeat a note for the same report and time; another time is a new line', async () => {
    expect(await noteVisits(handle.db, 'testville', planAt('2022-03-04T20:30:00.000Z'))).toBe(0)
    expect(await noteVisits(handle.db, 'testville', planAt('2022-03-04T20:30:00.000Z'))).toBe(0)
    expect(await notes('near')).toBe('patrol visit planned 2022-03-04, 15:30')
    expect(await noteVisits(handle.db, 'testville', planAt('2022-03-04T22:00:00.000Z'))).toBe(2)
    expect(await notes('near')).toBe(
      'patrol visit planned 2022-03-04, 15:30\npatrol visit planned 2022-03-04, 17:00',
    )
    expect(await noteVisits(handle.db, 'testville', planAt('2022-03-04T20:30:00.000Z'))).toBe(0)
    expect((await notes('same-segment'))!.split('\n')).toHaveLength(2)
  })

  it('writes a visit just after local midnight as 00:30, not 24:30', async () => {
    // 05:30 UTC is 00:30 in New York (EST)
    expect(await noteVisits(handle.db, 'testville', planAt('2022-03-05T05:30:00.000Z'))).toBe(2)
    expect((await notes('near'))!.split('\n').at(-1)).toBe('patrol visit planned 2022-03-05, 00:30')
  })
})
