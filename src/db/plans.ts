import type { PlanDocument } from '../exports/index.js'
import type { Db } from './database.js'

export interface Station {
  readonly code: string
  readonly label: string
  readonly lon: number
  readonly lat: number
}

/** Stores or moves a named station (a depot units start from). */
export async function saveStation(db: Db, networkName: string, station: Station): Promise<void> {
  const row = { label: station.label, lon: station.lon, lat: station.lat }
  await db
    .insertInto('patrol_station')
    .values({ network_name: networkName, code: station.code, ...row })
    .onConflict((oc) => oc.columns(['network_name', 'code']).doUpdateSet(row))
    .execute()
}

export async function findStation(
  db: Db,
  networkName: string,
  code: string,
): Promise<Station | undefined> {
  return db
    .selectFrom('patrol_station')
    .select(['code', 'label', 'lon', 'lat'])
    .where('network_name', '=', networkName)
    .where('code', '=', code)
    .executeTakeFirst()
}

export async function listStations(db: Db, networkName: string): Promise<Station[]> {
  return db
    .selectFrom('patrol_station')
    .select(['code', 'label', 'lon', 'lat'])
    .where('network_name', '=', networkName)
    .orderBy('code')
    .execute()
}

/**
 * Stores a finished plan (one row, one statement: a plan is never half-written). A plan under a
 * schedule key that is already taken is not stored again.
 * @returns the id of the plan stored under the key (the earlier one when it was taken).
 */
export async function insertPlan(
  db: Db,
  plan: {
    document: PlanDocument
    networkId: number
    request: object
    apiKeyId: string | null
    scheduleKey?: string | null
  },
): Promise<string> {
  const inserted = await db
    .insertInto('patrol_plan')
    .values({
      id: plan.document.id,
      network_id: plan.networkId,
      shift_start: new Date(plan.document.shiftStart),
      shift_end: new Date(plan.document.shiftEnd),
      created_at: new Date(plan.document.createdAt),
      api_key_id: plan.apiKeyId,
      request: JSON.stringify(plan.request),
      document: JSON.stringify(plan.document),
      schedule_key: plan.scheduleKey ?? null,
    })
    .onConflict((oc) => oc.column('schedule_key').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (inserted) return inserted.id
  const existing = await db
    .selectFrom('patrol_plan')
    .select('id')
    .where('schedule_key', '=', plan.scheduleKey!)
    .executeTakeFirstOrThrow()
  return existing.id
}

/** A stored plan's document, or undefined. */
export async function findPlan(db: Db, id: string): Promise<PlanDocument | undefined> {
  const row = await db
    .selectFrom('patrol_plan')
    .select('document')
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? (row.document as PlanDocument) : undefined
}
