import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { Database, Db, ScheduleSlotTable, ScheduleTable } from './database.js'

export type ScheduleRow = Selectable<ScheduleTable>
export type SlotRow = Selectable<ScheduleSlotTable>
export type NewSlot = Omit<
  SlotRow,
  'schedule_id' | 'status' | 'attempts' | 'plan_id' | 'error' | 'updated_at'
>

/** Stores a new version of a network's week and its slots (all pending), in one transaction. */
export async function insertSchedule(
  db: Kysely<Database>,
  schedule: Omit<ScheduleRow, 'version' | 'status' | 'completed_at' | 'error' | 'settings'> & {
    settings: object
  },
  slots: readonly NewSlot[],
): Promise<ScheduleRow> {
  return db.transaction().execute(async (trx) => {
    // one writer at a time per week, so two requests never take the same version number
    await sql`select pg_advisory_xact_lock(hashtext(${`schedule:${schedule.network_name}:${schedule.week}`}))`.execute(
      trx,
    )
    const latest = await trx
      .selectFrom('schedule')
      .select((eb) => eb.fn.max<number>('version').as('v'))
      .where('network_name', '=', schedule.network_name)
      .where('week', '=', schedule.week)
      .executeTakeFirst()
    const row = await trx
      .insertInto('schedule')
      .values({
        ...schedule,
        settings: JSON.stringify(schedule.settings),
        version: (latest?.v ?? 0) + 1,
        status: 'running',
        completed_at: null,
        error: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('schedule_slot')
      .values(
        slots.map((s) => ({
          ...s,
          schedule_id: row.id,
          status: 'pending' as const,
          attempts: 0,
          plan_id: null,
          error: null,
          updated_at: schedule.created_at,
        })),
      )
      .execute()
    return row
  })
}

/** The newest version of a network's week (or the given version). */
export async function findSchedule(
  db: Db,
  networkName: string,
  week: string,
  version?: number,
): Promise<ScheduleRow | undefined> {
  let q = db
    .selectFrom('schedule')
    .selectAll()
    .where('network_name', '=', networkName)
    .where('week', '=', week)
  q =
    version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version)
  return q.executeTakeFirst()
}

export async function findScheduleById(db: Db, id: string): Promise<ScheduleRow | undefined> {
  return db.selectFrom('schedule').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listSlots(db: Db, scheduleId: string): Promise<SlotRow[]> {
  return db
    .selectFrom('schedule_slot')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .orderBy('shift_start')
    .execute()
}

/** Slots of running schedules that still wait for a plan (to re-queue after a restart). */
export async function listPendingSlots(
  db: Db,
): Promise<Pick<SlotRow, 'schedule_id' | 'day' | 'shift'>[]> {
  return db
    .selectFrom('schedule_slot as s')
    .innerJoin('schedule as h', 'h.id', 's.schedule_id')
    .select(['s.schedule_id', 's.day', 's.shift'])
    .where('h.status', '=', 'running')
    .where('s.status', '=', 'pending')
    .orderBy('s.shift_start')
    .execute()
}

/** Counts an attempt on a pending slot. @returns the slot, or undefined when it is not pending. */
export async function startSlotAttempt(
  db: Db,
  scheduleId: string,
  day: string,
  shift: string,
  at: Date,
): Promise<SlotRow | undefined> {
  return db
    .updateTable('schedule_slot')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: at }))
    .where('schedule_id', '=', scheduleId)
    .where('day', '=', day)
    .where('shift', '=', shift)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()
}

/**
 * Takes the schedule's row lock until the transaction ends. Every transaction that changes a
 * slot's status takes it first, so slot outcomes of one schedule are serialised: under READ
 * COMMITTED the statements after it see every slot change committed before it, and the last
 * finisher always sees the others done (without it two workers finishing the last two slots each
 * saw the other's slot pending and the schedule stayed `running` forever).
 */
async function lockSchedule(trx: Transaction<Database>, scheduleId: string): Promise<void> {
  await trx.selectFrom('schedule').select('id').where('id', '=', scheduleId).forUpdate().execute()
}

/**
 * Marks a slot done with its plan and, when it was the last, the schedule completed. Idempotent: a
 * slot already done keeps its first plan. Locks the schedule row first (lockSchedule), so
 * concurrent finishers of one schedule run one after the other; the transaction must be READ
 * COMMITTED (the default) for the later one to see the earlier one's slot.
 */
export async function finishSlot(
  trx: Transaction<Database>,
  slot: Pick<SlotRow, 'schedule_id' | 'day' | 'shift'>,
  planId: string | null,
  at: Date,
): Promise<void> {
  await lockSchedule(trx, slot.schedule_id)
  await trx
    .updateTable('schedule_slot')
    .set({ status: 'done', plan_id: planId, error: null, updated_at: at })
    .where('schedule_id', '=', slot.schedule_id)
    .where('day', '=', slot.day)
    .where('shift', '=', slot.shift)
    .where('status', '=', 'pending')
    .execute()
  await completeIfAllDone(trx, slot.schedule_id, at)
}

/** Marks a running schedule completed when none of its slots is left undone. */
async function completeIfAllDone(
  trx: Transaction<Database>,
  scheduleId: string,
  at: Date,
): Promise<void> {
  await trx
    .updateTable('schedule')
    .set({ status: 'completed', completed_at: at })
    .where('id', '=', scheduleId)
    .where('status', '=', 'running')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('schedule_slot')
            .select('day')
            .where('schedule_id', '=', scheduleId)
            .where('status', '!=', 'done'),
        ),
      ),
    )
    .execute()
}

/**
 * Records a failed attempt; the last allowed one fails the slot and the schedule with the reason.
 * Serialised with finishSlot under the same schedule lock, and the schedule is failed only when this
 * call moved the slot from pending to failed: a slot that a duplicated job finished meanwhile
 * stays done, and the schedule is then completed if it was the last one.
 */
export async function failSlot(
  db: Db,
  slot: Pick<SlotRow, 'schedule_id' | 'day' | 'shift'>,
  reason: string,
  final: boolean,
  at: Date,
): Promise<void> {
  const run = async (trx: Transaction<Database>) => {
    await lockSchedule(trx, slot.schedule_id)
    const failed = await trx
      .updateTable('schedule_slot')
      .set({ error: reason, updated_at: at, ...(final ? { status: 'failed' as const } : {}) })
      .where('schedule_id', '=', slot.schedule_id)
      .where('day', '=', slot.day)
      .where('shift', '=', slot.shift)
      .where('status', '=', 'pending')
      .returning('status')
      .executeTakeFirst()
    if (final && failed) {
      await trx
        .updateTable('schedule')
        .set({ status: 'failed', error: `${slot.day} ${slot.shift}: ${reason}`, completed_at: at })
        .where('id', '=', slot.schedule_id)
        .where('status', '=', 'running')
        .execute()
    } else {
      await completeIfAllDone(trx, slot.schedule_id, at)
    }
  }
  await (db.isTransaction ? run(db as Transaction<Database>) : db.transaction().execute(run))
}

/**
 * Fails a running schedule and its pending slots with the reason (its jobs could not be queued:
 * nothing would ever run them). A schedule that is no longer running is left as it is.
 */
export async function failSchedule(
  db: Kysely<Database>,
  scheduleId: string,
  reason: string,
  at: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const failed = await trx
      .updateTable('schedule')
      .set({ status: 'failed', error: reason, completed_at: at })
      .where('id', '=', scheduleId)
      .where('status', '=', 'running')
      .returning('id')
      .executeTakeFirst()
    if (!failed) return
    await trx
      .updateTable('schedule_slot')
      .set({ status: 'failed', error: reason, updated_at: at })
      .where('schedule_id', '=', scheduleId)
      .where('status', '=', 'pending')
      .execute()
  })
}
