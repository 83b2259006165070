import { uuidv7 } from 'uuidv7'
import { findNetwork } from '../db/networks.js'
import { insertPlan, listStations } from '../db/plans.js'
import { findSnapshot, type RiskSnapshot } from '../db/risk.js'
import {
  failSchedule,
  failSlot,
  finishSlot,
  findScheduleById,
  insertSchedule,
  listSlots,
  startSlotAttempt,
  type ScheduleRow,
  type SlotRow,
} from '../db/schedules.js'
import { bucketIndexAt, bucketLayout, HOUR_OF_WEEK } from '../risk/index.js'
import { HOUR_MS, zoneClock } from '../time/index.js'
import { allocateUnits, explainAllocation, isoWeekDays, shiftWindows } from '../schedule/index.js'
import type { JobQueue } from './job-queue.js'
import {
  makePlan,
  planRequestJson,
  PlanRefused,
  type PlanContext,
  type PlanInput,
} from './plans.js'
import { noteVisits } from './plan-reports.js'
import { TimezoneUnknownError } from './risk.js'

export type ScheduleRefusalCode =
  | 'network-not-found'
  | 'timezone-unknown'
  | 'invalid-week'
  | 'no-risk-snapshot'
  | 'min-above-max'
  | 'minimum-exceeds-units'
  | 'maximum-below-units'
  | 'station-required'
  | 'unknown-station'

/** The schedule cannot be made; nothing was stored. */
export class ScheduleRefused extends Error {
  constructor(
    readonly code: ScheduleRefusalCode,
    message: string,
  ) {
    super(message)
    this.name = 'ScheduleRefused'
  }
}

/**
 * The schedule was stored but its jobs could not be queued: it has been marked failed with the
 * reason (nothing would ever run its slots); regenerate it when the queue is back.
 */
export class ScheduleNotQueued extends Error {
  readonly code = 'queue-unavailable'
  constructor(
    readonly schedule: ScheduleRow,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the job queue did not take the jobs of ${schedule.network_name} ${schedule.week} version ${schedule.version}; the schedule was marked failed: try again`,
      options,
    )
    this.name = 'ScheduleNotQueued'
  }
}

/** How a week is staffed and planned (stored with the schedule). */
export interface ScheduleSettings {
  readonly unitsPerDay: number
  readonly minPerShift: number
  readonly maxPerShift: number
  readonly station: string
  readonly dwellMinutes: number
  readonly explorationShare: number
}

export interface ScheduleRequest {
  readonly network: string
  readonly week: string
  readonly unitsPerDay?: number
  readonly minPerShift?: number
  readonly maxPerShift?: number
  readonly station?: string
  readonly dwellMinutes?: number
  readonly explorationShare?: number
  readonly now: Date
}

const SHIFT_LABELS = ['shift 1 (07–15)', 'shift 2 (15–23)', 'shift 3 (23–07)']

/** A seed per network, week, day and shift (FNV-1a): reruns plan the same routes. */
export function slotSeed(...parts: string[]): number {
  let h = 0x811c9dc5
  for (const c of parts.join('|')) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193)
  return h | 0
}

/** Expected crime network-wide in [startMs, startMs + hours): the snapshot's hour-of-week totals. */
function expectedIn(snapshot: RiskSnapshot, startMs: number, hours: number): number {
  const layout = bucketLayout(HOUR_OF_WEEK)
  const clock = zoneClock(snapshot.timezone)
  let sum = 0
  for (let h = 0; h < hours; h++) {
    const id = layout.ids[bucketIndexAt(layout, clock, startMs + h * HOUR_MS)]!
    sum += snapshot.bucketTotals[snapshot.bucketIds.indexOf(id)] ?? 0
  }
  return sum
}

/**
 * Creates a new version of a network's week: 7 days × 3 shifts, each shift's units in proportion
 * to its expected crime (hour-of-week forecast as of the week's start), every slot pending. The
 * caller then queues one job per slot.
 * @throws ScheduleRefused with a stable code; nothing stored.
 */
export async function createSchedule(
  ctx: PlanContext,
  request: ScheduleRequest,
): Promise<{ schedule: ScheduleRow; slots: SlotRow[] }> {
  const network = await findNetwork(ctx.db, request.network)
  if (!network)
    throw new ScheduleRefused('network-not-found', `no network named "${request.network}"`)
  if (!network.timezone)
    throw new ScheduleRefused(
      'timezone-unknown',
      new TimezoneUnknownError(`network ${network.name} has no time zone`).message,
    )
  const clock = zoneClock(network.timezone)
  let days
  try {
    days = isoWeekDays(request.week, clock)
  } catch (err) {
    throw new ScheduleRefused('invalid-week', (err as Error).message)
  }
  const snapshot = await findSnapshot(ctx.db, {
    networkId: network.id,
    mode: 'drive',
    scheme: 'how',
    atOrBefore: new Date(days[0]!.startMs),
  })
  if (!snapshot) {
    throw new ScheduleRefused(
      'no-risk-snapshot',
      `no risk snapshot at or before ${request.week} starts (${new Date(days[0]!.startMs).toISOString()}): POST /v1/risk/snapshots {"network":"${network.name}","asOf":"…"}`,
    )
  }
  const stations = await listStations(ctx.db, network.name)
  const station = request.station ?? (stations.length === 1 ? stations[0]!.code : undefined)
  if (!station)
    throw new ScheduleRefused(
      'station-required',
      `give a station: ${stations.map((s) => s.code).join(', ') || 'none defined (PUT /v1/networks/:name/stations/:code)'}`,
    )
  if (!stations.some((s) => s.code === station))
    throw new ScheduleRefused('unknown-station', `no station "${station}" in ${network.name}`)
  const settings: ScheduleSettings = {
    unitsPerDay: request.unitsPerDay ?? 12,
    minPerShift: request.minPerShift ?? 1,
    maxPerShift: request.maxPerShift ?? request.unitsPerDay ?? 12,
    station,
    dwellMinutes: request.dwellMinutes ?? 12,
    explorationShare: request.explorationShare ?? 0.1,
  }
  const slots = []
  for (const day of days) {
    const windows = shiftWindows(day, clock)
    const expected = windows.map((w) => expectedIn(snapshot, w.startMs, w.hours))
    let units: number[]
    try {
      units = allocateUnits(expected, settings)
    } catch (err) {
      throw new ScheduleRefused((err as { code: ScheduleRefusalCode }).code, (err as Error).message)
    }
    const total = expected.reduce((a, b) => a + b, 0)
    for (const [i, w] of windows.entries()) {
      const share = total > 0 ? expected[i]! / total : 1 / windows.length
      slots.push({
        day: w.day,
        shift: w.shift,
        shift_start: new Date(w.startMs),
        shift_hours: w.hours,
        units: units[i]!,
        expected: expected[i]!,
        share,
        explanation: explainAllocation(
          SHIFT_LABELS[i] ?? w.shift,
          units[i]!,
          settings.unitsPerDay,
          share,
          settings,
        ),
        seed: slotSeed(network.name, request.week, w.day, w.shift),
      })
    }
  }
  const schedule = await insertSchedule(
    ctx.db,
    {
      id: uuidv7(),
      network_name: network.name,
      network_id: network.id,
      week: request.week,
      settings,
      risk_as_of: snapshot.asOf,
      created_at: request.now,
    },
    slots,
  )
  return { schedule, slots: await listSlots(ctx.db, schedule.id) }
}

/**
 * Creates a schedule (createSchedule) and queues one job per slot. When the queue refuses, the
 * schedule and its slots are marked failed with the reason instead of staying `running` forever.
 * @throws ScheduleRefused (nothing stored); ScheduleNotQueued (stored, and marked failed).
 */
export async function startSchedule(
  ctx: PlanContext,
  queue: Pick<JobQueue, 'enqueue'>,
  request: ScheduleRequest,
): Promise<{ schedule: ScheduleRow; slots: SlotRow[] }> {
  const created = await createSchedule(ctx, request)
  const { schedule, slots } = created
  try {
    await queue.enqueue(slots.map((s) => ({ scheduleId: schedule.id, day: s.day, shift: s.shift })))
  } catch (err) {
    const reason = `queue-unavailable: the slot jobs could not be queued (${(err as Error).message})`
    await failSchedule(ctx.db, schedule.id, reason, new Date())
    throw new ScheduleNotQueued(schedule, reason, { cause: err })
  }
  return created
}

/** One unit of a schedule's work: the plan of one day's shift. */
export interface SlotJob {
  readonly scheduleId: string
  readonly day: string
  readonly shift: string
}

/**
 * The job handler: plans one slot and stores the plan under the key (schedule, day, shift) in the
 * same transaction that marks the slot done, so a retried or duplicated job never adds a row.
 * A slot that is no longer pending is skipped.
 * @param final - whether this is the last attempt the queue will make (a failure then fails the schedule).
 */
export async function runScheduleSlot(
  ctx: PlanContext,
  job: SlotJob,
  final: boolean,
): Promise<'planned' | 'skipped'> {
  const schedule = await findScheduleById(ctx.db, job.scheduleId)
  const slot =
    schedule?.status === 'running' &&
    (await startSlotAttempt(ctx.db, job.scheduleId, job.day, job.shift, new Date()))
  if (!schedule || !slot) return 'skipped'
  try {
    const settings = schedule.settings as ScheduleSettings
    const input: PlanInput = {
      network: schedule.network_name,
      // the version the week was staffed on, whatever has been imported under the name since
      networkId: schedule.network_id,
      shiftStart: slot.shift_start,
      shiftHours: slot.shift_hours,
      units: Array.from({ length: slot.units }, (_, i) => ({
        id: `${job.shift.replace(':', '')}-car-${i + 1}`,
        mode: 'drive' as const,
        start: { station: settings.station },
      })),
      seed: slot.seed,
      dwellMinutes: settings.dwellMinutes,
      explorationShare: settings.explorationShare,
      asOf: schedule.risk_as_of,
    }
    if (slot.units === 0) {
      await ctx.db.transaction().execute((trx) => finishSlot(trx, slot, null, new Date()))
      return 'planned'
    }
    const { document, networkId } = await makePlan(ctx, input)
    await ctx.db.transaction().execute(async (trx) => {
      const planId = await insertPlan(trx, {
        document,
        networkId,
        request: planRequestJson(input),
        apiKeyId: null,
        scheduleKey: `${job.scheduleId}:${job.day}:${job.shift}`,
      })
      await finishSlot(trx, slot, planId, new Date())
      // a duplicated job found the key taken: the stored plan already noted its visits
      if (planId === document.id) await noteVisits(trx, document.network, document)
    })
    return 'planned'
  } catch (err) {
    const reason =
      err instanceof PlanRefused ? `${err.code}: ${err.message}` : (err as Error).message
    await failSlot(ctx.db, slot, reason, final, new Date())
    throw err
  }
}
