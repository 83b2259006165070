import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { OutreachReferral, PlanDocument } from '../exports/index.js'
import { haversineM } from '../network/index.js'

const NEAR_STOP_M = 60 // a report this close to a dwell's position counts as visited
const OUTREACH_LOOKBACK_MS = 72 * 3_600_000 // welfare concerns older than this are no longer a referral
const AREA_MARGIN_DEG = 0.01 // ≈ 1 km around the plan's routes

type PlanView = Pick<PlanDocument, 'units' | 'shiftStart' | 'shiftEnd' | 'timezone'>

function planBox(plan: PlanView): [number, number, number, number] {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const unit of plan.units) {
    for (const [lon, lat] of [unit.start, unit.end, ...unit.stops.map((x) => x.position)]) {
      w = Math.min(w, lon)
      e = Math.max(e, lon)
      s = Math.min(s, lat)
      n = Math.max(n, lat)
    }
  }
  return [w - AREA_MARGIN_DEG, s - AREA_MARGIN_DEG, e + AREA_MARGIN_DEG, n + AREA_MARGIN_DEG]
}

/**
 * Open welfare concerns around the plan's routes from the 72 hours before the shift ends: outreach
 * referrals for the co-responder team. They never raise risk; only type, place, time and the
 * attributes' answers are passed on (no description, no contact details).
 */
export async function welfareReferrals(
  db: Kysely<Database>,
  networkName: string,
  plan: PlanView,
): Promise<OutreachReferral[]> {
  const [w, s, e, n] = planBox(plan)
  const end = new Date(plan.shiftEnd)
  const rows = await db
    .selectFrom('community_report as r')
    .innerJoin('report_service as t', 't.code', 'r.service_code')
    .select(['r.id', 'r.lat', 'r.lon', 'r.requested_at', 'r.attributes', 't.name'])
    .where('t.welfare', '=', true)
    .where('r.network_name', '=', networkName)
    .where('r.status', '=', 'open')
    .where('r.duplicate_of', 'is', null)
    .where('r.review', '!=', 'spam')
    .where('r.requested_at', '<=', end)
    .where('r.requested_at', '>=', new Date(end.getTime() - OUTREACH_LOOKBACK_MS))
    .where('r.lon', '>=', w)
    .where('r.lon', '<=', e)
    .where('r.lat', '>=', s)
    .where('r.lat', '<=', n)
    .orderBy('r.requested_at')
    .execute()
  return rows.map((r) => {
    const answers = Object.entries(r.attributes)
      .map(([k, v]) => `${k.replaceAll('_', ' ')}: ${String(v)}`)
      .join(', ')
    return {
      requestId: r.id,
      position: [r.lon, r.lat] as const,
      requestedAt: r.requested_at.toISOString(),
      summary: `${r.name}${answers ? ` (${answers})` : ''}, reported ${r.requested_at.toISOString()}`,
    }
  })
}

/**
 * Tells residents about the patrol: every open (non-welfare) report on a segment a unit dwells on,
 * or within 60 m of a dwell's position (the middle of the dwelt segment), gets the status note
 * "patrol visit planned <time>" for its earliest such dwell. A note already there for that report
 * and time is not added again, so re-planning the same shift does not grow the notes. A plan is a
 * plan: the note says planned, not done. Run it in the transaction that stores the plan.
 * @returns how many reports got a new note.
 */
export async function noteVisits(
  db: Kysely<Database>,
  networkName: string,
  plan: PlanView,
): Promise<number> {
  const [w, s, e, n] = planBox(plan)
  const open = await db
    .selectFrom('community_report as r')
    .innerJoin('report_service as t', 't.code', 'r.service_code')
    .select(['r.id', 'r.lat', 'r.lon', 'r.segment_id'])
    .where('t.welfare', '=', false)
    .where('r.network_name', '=', networkName)
    .where('r.status', '=', 'open')
    .where('r.review', '!=', 'spam')
    .where('r.requested_at', '<=', new Date(plan.shiftStart))
    .where('r.lon', '>=', w)
    .where('r.lon', '<=', e)
    .where('r.lat', '>=', s)
    .where('r.lat', '<=', n)
    .execute()
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: plan.timezone,
    dateStyle: 'short',
    timeStyle: 'short',
    // h23, not hour12: false: that gives "24:30" after midnight in some locales (en-CA)
    hourCycle: 'h23',
  })
  const stops = plan.units.flatMap((u) => u.stops).sort((a, b) => a.arrive.localeCompare(b.arrive))
  let noted = 0
  for (const report of open) {
    const stop = stops.find(
      (x) =>
        x.segmentId === report.segment_id ||
        haversineM(report.lon, report.lat, x.position[0], x.position[1]) <= NEAR_STOP_M,
    )
    if (!stop) continue
    const note = `patrol visit planned ${format.format(new Date(stop.arrive))}`
    // one statement: appends unless the same line is already among the notes
    const result = await db
      .updateTable('community_report')
      .set({
        status_notes: sql<string>`case when coalesce(status_notes, '') = '' then ${note}::text else status_notes || ${`\n${note}`}::text end`,
        updated_at: new Date(),
      })
      .where('id', '=', report.id)
      .where(
        sql<boolean>`position(${`\n${note}\n`}::text in ${'\n'}::text || coalesce(status_notes, '') || ${'\n'}::text) = 0`,
      )
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) > 0) noted++
  }
  return noted
}
