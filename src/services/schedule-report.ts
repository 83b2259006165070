import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { findPlan } from '../db/plans.js'
import { findScheduleById, listSlots, type ScheduleRow } from '../db/schedules.js'
import type { PlanDocument } from '../exports/index.js'
import { haversineM } from '../network/index.js'
import { areaCell } from '../reports/index.js'
import { exposureChartSvg } from './exposure-chart.js'

/** Areas whose patrol share exceeds their crime share by more than this factor are flagged. */
export const DEFAULT_EXPOSURE_FACTOR = 2
const LABEL_REACH_M = 1000 // a segment with no labelled incident takes the nearest label this close
const MIN_FLAG_SHARE = 0.01 // below 1 % of patrol time nothing is flagged (noise)
const YEAR_MS = 365 * 86_400_000

export interface AreaExposure {
  /** A neighbourhood, or `grid <cell>` (≈ 500 m) where the data name none. */
  readonly area: string
  readonly patrolMinutes: number
  readonly patrolShare: number
  /** Victim-reported crimes in the area in the year before the forecast (same area key as patrol). */
  readonly crimes: number
  readonly crimeShare: number
  /**
   * patrolShare ÷ crimeShare; null when the area was patrolled but had no crime (the ratio is
   * unbounded: `ratioNote` says so). JSON has no Infinity, so null is what clients read.
   */
  readonly ratio: number | null
  /** Why `ratio` is null: `patrol-without-crime`; null when there is a ratio. */
  readonly ratioNote: 'patrol-without-crime' | null
  /** Patrol share above `factor` × crime share (patrol without crime counts), and ≥ 1 % of patrol. */
  readonly flagged: boolean
}

/** Patrol with no crime in the area: no finite ratio. */
export const PATROL_WITHOUT_CRIME = 'patrol-without-crime'

/** How a schedule is named in every answer about it. */
export interface ScheduleHeader {
  readonly id: string
  readonly network: string
  readonly week: string
  readonly version: number
  readonly status: string
  readonly riskAsOf: string
}

export function scheduleHeader(schedule: ScheduleRow): ScheduleHeader {
  return {
    id: schedule.id,
    network: schedule.network_name,
    week: schedule.week,
    version: schedule.version,
    status: schedule.status,
    riskAsOf: schedule.risk_as_of.toISOString(),
  }
}

export interface WeeklyReport {
  readonly schedule: ScheduleHeader
  readonly shifts: readonly {
    day: string
    shift: string
    expected: number
    units: number
    explanation: string
    status: string
    planId: string | null
    value: number | null
    teleportBound: number | null
    ratio: number | null
    explorationShare: number | null
  }[]
  readonly totals: {
    expected: number
    value: number
    teleportBound: number
    ratio: number
    patrolMinutes: number
    explorationShare: number
  }
  readonly exposure: {
    readonly basis: string
    readonly factor: number
    readonly areas: readonly AreaExposure[]
  }
}

/** Neighbourhood of each drive segment from the incidents on it (majority), as the audit's areas. */
async function segmentAreas(db: Kysely<Database>, networkName: string, networkId: number) {
  const rows = await db
    .selectFrom('incident as i')
    .innerJoin('incident_snap as s', 's.incident_id', 'i.id')
    .select(['s.segment_id', 'i.neighbourhood', (eb) => eb.fn.countAll<number>().as('n')])
    .where('i.network_name', '=', networkName)
    .where('s.network_id', '=', networkId)
    .where('s.mode', '=', 'drive')
    .where('i.neighbourhood', 'is not', null)
    .groupBy(['s.segment_id', 'i.neighbourhood'])
    .execute()
  const best = new Map<string, { area: string; n: number }>()
  for (const r of rows) {
    const n = Number(r.n)
    const current = best.get(r.segment_id)
    if (!current || n > current.n || (n === current.n && r.neighbourhood! < current.area))
      best.set(r.segment_id, { area: r.neighbourhood!, n })
  }
  return new Map([...best].map(([segment, { area }]) => [segment, area]))
}

/** The grid area of a point: the key patrol stops and crimes share where no neighbourhood applies. */
const gridArea = (lat: number, lon: number) => `grid ${areaCell(lat, lon)}`

/**
 * Victim-reported crimes per area in the year before the schedule's forecast, keyed as patrol
 * minutes are: the incident's neighbourhood, else its drive segment's neighbourhood (`labels`),
 * else the ≈ 500 m grid cell of its location. Incidents with none of these are not counted.
 */
async function crimesByArea(
  db: Kysely<Database>,
  schedule: ScheduleRow,
  labels: ReadonlyMap<string, string>,
): Promise<Map<string, number>> {
  const since = new Date(schedule.risk_as_of.getTime() - YEAR_MS)
  const named = await db
    .selectFrom('incident')
    .select(['neighbourhood', (eb) => eb.fn.countAll<number>().as('n')])
    .where('network_name', '=', schedule.network_name)
    .where('enforcement', '=', false)
    .where('reported_at', '<=', schedule.risk_as_of)
    .where('reported_at', '>', since)
    .where('neighbourhood', 'is not', null)
    .groupBy('neighbourhood')
    .execute()
  const counts = new Map(named.map((c) => [c.neighbourhood!, Number(c.n)]))
  const add = (area: string, n: number) => counts.set(area, (counts.get(area) ?? 0) + n)
  const unnamed = await db
    .selectFrom('incident as i')
    .leftJoin('incident_snap as s', (join) =>
      join
        .onRef('s.incident_id', '=', 'i.id')
        .on('s.network_id', '=', schedule.network_id)
        .on('s.mode', '=', 'drive'),
    )
    .select(['s.segment_id', 'i.lat', 'i.lon', (eb) => eb.fn.countAll<number>().as('n')])
    .where('i.network_name', '=', schedule.network_name)
    .where('i.enforcement', '=', false)
    .where('i.reported_at', '<=', schedule.risk_as_of)
    .where('i.reported_at', '>', since)
    .where('i.neighbourhood', 'is', null)
    .groupBy(['s.segment_id', 'i.lat', 'i.lon'])
    .execute()
  for (const r of unnamed) {
    const label = r.segment_id ? labels.get(r.segment_id) : undefined
    if (label) add(label, Number(r.n))
    else if (r.lat !== null && r.lon !== null) add(gridArea(r.lat, r.lon), Number(r.n))
  }
  return counts
}

/**
 * The weekly report: per shift, expected crime, units and plan value against its bound; over the
 * week, an exposure audit of patrol minutes per neighbourhood (APD `neighborhood`, or ≈ 500 m grid
 * cells where the data has none) against that area's share of victim-reported crime in the year
 * before the forecast, flagging areas patrolled more than `factor` × their share.
 */
export async function weeklyReport(
  db: Kysely<Database>,
  scheduleId: string,
  factor = DEFAULT_EXPOSURE_FACTOR,
): Promise<WeeklyReport | undefined> {
  const schedule = await findScheduleById(db, scheduleId)
  if (!schedule) return undefined
  const slots = await listSlots(db, scheduleId)
  const plans = new Map<string, PlanDocument>()
  for (const s of slots) if (s.plan_id) plans.set(s.plan_id, (await findPlan(db, s.plan_id))!)
  const labels = await segmentAreas(db, schedule.network_name, schedule.network_id)
  const labelled = [...plans.values()]
    .flatMap((p) => p.units.flatMap((u) => u.stops))
    .filter((s) => labels.has(s.segmentId))
  const areaOf = (stop: PlanDocument['units'][number]['stops'][number]): string => {
    const own = labels.get(stop.segmentId)
    if (own) return own
    let nearest: { area: string; d: number } | undefined
    for (const other of labelled) {
      const d = haversineM(stop.position[0], stop.position[1], other.position[0], other.position[1])
      if (d <= LABEL_REACH_M && (!nearest || d < nearest.d))
        nearest = { area: labels.get(other.segmentId)!, d }
    }
    return nearest?.area ?? gridArea(stop.position[1], stop.position[0])
  }
  const minutes = new Map<string, number>()
  let exploration = 0
  let dwell = 0
  const shifts = slots.map((s) => {
    const plan = s.plan_id ? plans.get(s.plan_id) : undefined
    let explored = 0
    let dwelt = 0
    for (const stop of plan?.units.flatMap((u) => u.stops) ?? []) {
      const area = areaOf(stop)
      minutes.set(area, (minutes.get(area) ?? 0) + stop.dwellMinutes)
      dwelt += stop.dwellMinutes
      if (stop.kind === 'exploration') explored += stop.dwellMinutes
    }
    exploration += explored
    dwell += dwelt
    return {
      day: s.day,
      shift: s.shift,
      expected: s.expected,
      units: s.units,
      explanation: s.explanation,
      status: s.status,
      planId: s.plan_id,
      value: plan?.totals.value ?? null,
      teleportBound: plan?.totals.teleportBound ?? null,
      ratio: plan?.totals.ratio ?? null,
      explorationShare: plan && dwelt > 0 ? explored / dwelt : null,
    }
  })
  const crimeCount = await crimesByArea(db, schedule, labels)
  const totalCrimes = [...crimeCount.values()].reduce((a, b) => a + b, 0)
  const totalMinutes = [...minutes.values()].reduce((a, b) => a + b, 0)
  const areas = [...new Set([...minutes.keys(), ...crimeCount.keys()])]
    .map((area): AreaExposure => {
      const patrolMinutes = minutes.get(area) ?? 0
      const patrolShare = totalMinutes > 0 ? patrolMinutes / totalMinutes : 0
      const count = crimeCount.get(area) ?? 0
      const crimeShare = totalCrimes > 0 ? count / totalCrimes : 0
      const ratio = crimeShare > 0 ? patrolShare / crimeShare : patrolShare > 0 ? null : 0
      return {
        area,
        patrolMinutes,
        patrolShare,
        crimes: count,
        crimeShare,
        ratio,
        ratioNote: ratio === null ? PATROL_WITHOUT_CRIME : null,
        flagged: patrolShare >= MIN_FLAG_SHARE && (ratio === null || ratio > factor),
      }
    })
    .sort(
      (a, b) =>
        b.patrolShare - a.patrolShare || b.crimeShare - a.crimeShare || (a.area < b.area ? -1 : 1),
    )
  const value = shifts.reduce((a, s) => a + (s.value ?? 0), 0)
  const bound = shifts.reduce((a, s) => a + (s.teleportBound ?? 0), 0)
  return {
    schedule: scheduleHeader(schedule),
    shifts,
    totals: {
      expected: shifts.reduce((a, s) => a + s.expected, 0),
      value,
      teleportBound: bound,
      ratio: bound > 0 ? value / bound : 0,
      patrolMinutes: totalMinutes,
      explorationShare: dwell > 0 ? exploration / dwell : 0,
    },
    exposure: {
      basis:
        'neighbourhood of the incidents on each segment (APD `neighborhood`); ≈ 500 m grid cells elsewhere, for patrol minutes and crimes alike',
      factor,
      areas,
    },
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`

/** The report as Markdown: the shifts table, the totals and the exposure audit. */
export function weeklyReportMarkdown(report: WeeklyReport): string {
  const r = report
  const lines = [
    `# Weekly schedule ${r.schedule.network} ${r.schedule.week} (version ${r.schedule.version}, ${r.schedule.status})`,
    '',
    `Risk as of ${r.schedule.riskAsOf}. Expected victim-reported crimes in the week: ${r.totals.expected.toFixed(2)}; plan value ${r.totals.value.toFixed(3)} = ${pct(r.totals.ratio)} of the teleport bound; patrol ${Math.round(r.totals.patrolMinutes)} dwell minutes, ${pct(r.totals.explorationShare)} of them exploration.`,
    '',
    '| day | shift | expected crime | units | why | plan value | ratio to bound | exploration |',
    '|---|---|---:|---:|---|---:|---:|---:|',
    ...r.shifts.map(
      (s) =>
        `| ${s.day} | ${s.shift} | ${s.expected.toFixed(3)} | ${s.units} | ${s.explanation} | ${s.value?.toFixed(3) ?? s.status} | ${s.ratio === null ? '—' : pct(s.ratio)} | ${s.explorationShare === null ? '—' : pct(s.explorationShare)} |`,
    ),
    '',
    `## Exposure audit (flag: patrol share > ${r.exposure.factor} × crime share, and at least 1 % of patrol)`,
    '',
    `Areas: ${r.exposure.basis}. Crime share: victim-reported incidents reported in the year before the forecast.`,
    '',
    '| area | patrol minutes | patrol share | crime share | ratio | flag |',
    '|---|---:|---:|---:|---:|---|',
    ...r.exposure.areas
      .filter((a) => a.patrolMinutes > 0 || a.crimeShare >= 0.01)
      .map(
        (a) =>
          `| ${a.area} | ${Math.round(a.patrolMinutes)} | ${pct(a.patrolShare)} | ${pct(a.crimeShare)} | ${a.ratio === null ? '∞ (no crime)' : a.ratio.toFixed(2)} | ${a.flagged ? '**over-patrolled**' : ''} |`,
      ),
    '',
  ]
  return lines.join('\n')
}

export { exposureChartSvg }
