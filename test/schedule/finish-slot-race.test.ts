import type { Transaction } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import type { Database } from '../../src/db/database.js'
import {
  failSlot,
  findScheduleById,
  finishSlot,
  insertSchedule,
  listSlots,
  type NewSlot,
} from '../../src/db/schedules.js'
import { DIALECTS, insertTestville, openTestDatabase } from '../helpers/db.js'

const AT = new Date('2022-03-07T05:00:00Z')
const slot = (day: string): NewSlot => ({
  day,
  shift: 'shift:1',
  shift_start: new Date(`${day}T20:00:00Z`),
  shift_hours: 8,
  units: 0,
  expected: 0,
  share: 0,
  explanation: 'synthetic',
  seed: 1,
})

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

// Two connections are needed to have two transactions in flight: PostgreSQL only.
describe.runIf(DIALECTS.includes('postgres'))(
  'postgres: slot outcomes of one schedule are serialised',
  () => {
    let handle: DbHandle
    let networkId: number
    let n = 0

    beforeAll(async () => {
      handle = await openTestDatabase('postgres')
      networkId = await insertTestville(handle.db)
    })
    afterAll(async () => {
      await handle?.close()
    })

    let scheduleId: string
    const key = (day: string) => ({ schedule_id: scheduleId, day, shift: 'shift:1' })
    /** Marks the slot of `day` done, in the given transaction or in one of its own. */
    const finish = (day: string, trx?: Transaction<Database>): Promise<void> =>
      trx
        ? finishSlot(trx, key(day), null, AT)
        : handle.db.transaction().execute((own) => finishSlot(own, key(day), null, AT))

    beforeEach(async () => {
      n++
      const row = await insertSchedule(
        handle.db,
        {
          id: `schedule-${n}`,
          network_name: 'testville',
          network_id: networkId,
          week: `2022-W${10 + n}`,
          settings: {},
          risk_as_of: AT,
          created_at: AT,
        },
        [slot('2022-03-07'), slot('2022-03-08'), slot('2022-03-09')],
      )
      scheduleId = row.id
      // every slot but the last two is done already
      await finish('2022-03-07')
    })

    /**
     * Runs `first` in a transaction that stays open until `second` (its own transaction) has
     * either ended or waited 300 ms for a lock, then lets both commit.
     */
    async function inFlight(
      first: (trx: Transaction<Database>) => Promise<void>,
      second: () => Promise<void>,
    ): Promise<void> {
      const firstDone = deferred()
      const release = deferred()
      const a = handle.db.transaction().execute(async (trx) => {
        await first(trx)
        firstDone.resolve()
        await release.promise // keep the first transaction open while the second runs
      })
      await firstDone.promise
      const b = second()
      // the second either ends while the first is open (no serialisation) or waits for its lock
      await Promise.race([b, new Promise((r) => setTimeout(r, 300))])
      release.resolve()
      await Promise.all([a, b])
    }

    it('the last of two concurrent finishers completes the schedule', async () => {
      await inFlight(
        (trx) => finish('2022-03-08', trx),
        () => finish('2022-03-09'),
      )
      const slots = await listSlots(handle.db, scheduleId)
      expect(slots.map((s) => s.status)).toEqual(['done', 'done', 'done'])
      expect(await findScheduleById(handle.db, scheduleId)).toMatchObject({
        status: 'completed',
        completed_at: AT,
      })
    })

    it('a final failure concurrent with the other last slot finishing fails the schedule', async () => {
      await inFlight(
        (trx) => finish('2022-03-08', trx),
        () => failSlot(handle.db, key('2022-03-09'), 'boom', true, AT),
      )
      expect((await listSlots(handle.db, scheduleId)).map((s) => s.status)).toEqual([
        'done',
        'done',
        'failed',
      ])
      expect(await findScheduleById(handle.db, scheduleId)).toMatchObject({
        status: 'failed',
        error: '2022-03-09 shift:1: boom',
      })
    })

    it('a final failure of a slot a duplicated job already finished does not fail the schedule', async () => {
      await finish('2022-03-09')
      await failSlot(handle.db, key('2022-03-09'), 'late duplicate', true, AT)
      expect(await findScheduleById(handle.db, scheduleId)).toMatchObject({ status: 'running' })
      await finish('2022-03-08')
      expect((await listSlots(handle.db, scheduleId)).map((s) => s.status)).toEqual([
        'done',
        'done',
        'done',
      ])
      expect(await findScheduleById(handle.db, scheduleId)).toMatchObject({ status: 'completed' })
    })
  },
)
