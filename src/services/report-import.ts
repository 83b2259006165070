import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { Database } from '../db/database.js'
import { findNetwork } from '../db/networks.js'
import { findNearbyReports, incrementReportCount, insertReport, NO_CONTACT } from '../db/reports.js'
import { listServiceTypes } from '../db/report-types.js'
import { areaCell, DEDUPE_WINDOW_MS, findDuplicateTarget } from '../reports/index.js'
import { zoneClock } from '../time/index.js'
import type { NetworkCache } from './network-cache.js'
import { REPORT_SNAP_RADIUS_M } from './report-placement.js'

/** Which columns of a city's 311 export hold what, and how its request types map onto ours. */
export interface ReportMapping {
  readonly id: string
  readonly type: string
  readonly requested: string
  readonly lat: string
  readonly lon: string
  readonly description?: string
  readonly status?: string
  /** The export's type text (as written) → our service code. */
  readonly typeMap: Readonly<Record<string, string>>
}

export interface ReportReject {
  readonly line: number
  readonly column: string | null
  readonly value: string
  readonly rule:
    'required' | 'unknown-type' | 'bad-time' | 'bad-coordinates' | 'outside-jurisdiction'
  readonly message: string
}

export interface ReportImportSummary {
  readonly rowsRead: number
  readonly imported: number
  readonly alreadyImported: number
  readonly duplicates: number
  readonly rejected: number
  readonly rejectedByRule: Readonly<Record<string, number>>
  readonly rejects: readonly ReportReject[]
}

const ISO_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i
const MARGIN_DEG = 0.002 // ≈ 200 m around the network, as for reports posted to the API

/** A time with an offset as given, or a naive local time read in `timeZone` (undefined if neither). */
function parseTime(text: string, timeZone: string | undefined): number | undefined {
  const t = text.trim().replace(' ', 'T')
  if (ISO_OFFSET.test(t)) {
    const ms = Date.parse(t)
    return Number.isNaN(ms) ? undefined : ms
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(t)
  if (!m || !timeZone) return undefined
  const local = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0))
  return zoneClock(timeZone).toUtcMs(local)
}

/**
 * Imports a city's 311 export (UTF-8 CSV, `#` comment lines allowed) as resident reports, source
 * `import`: rows are checked against the mapping and the jurisdiction, snapped, de-duplicated like
 * API reports (same type within 50 m and 1 h), and stored in one transaction; a row already
 * imported (same network and id) is skipped, so an import can be run again. No personal data is
 * read. Caps do not apply: an export is the city's own record, not a resident's submission.
 */
export async function importReports(
  db: Kysely<Database>,
  input: Readable,
  options: {
    networkName: string
    mapping: ReportMapping
    timeZone?: string
    dryRun: boolean
    networks: NetworkCache
  },
): Promise<ReportImportSummary> {
  const network = await findNetwork(db, options.networkName)
  if (!network) throw new Error(`no network named "${options.networkName}"`)
  const timeZone = options.timeZone ?? network.timezone ?? undefined
  // built before the transaction: on PGlite the transaction holds the only connection
  const drive = await options.networks.mode(network, 'drive')
  const known = new Set((await listServiceTypes(db)).map((t) => t.code))
  for (const [local, code] of Object.entries(options.mapping.typeMap)) {
    if (!known.has(code))
      throw new Error(
        `typeMap maps "${local}" to "${code}", which is not a report type (GET /v1/services)`,
      )
  }
  const m = options.mapping
  const [west, south, east, north] = network.bbox
  const rejects: ReportReject[] = []
  let rowsRead = 0
  let imported = 0
  let alreadyImported = 0
  let duplicates = 0
  const parser = input.pipe(
    parse({
      columns: true,
      bom: true,
      comment: '#',
      info: true,
      skip_empty_lines: true,
      max_record_size: 1 << 20,
    }),
  )
  await db
    .transaction()
    .execute(async (trx) => {
      for await (const { record, info } of parser as AsyncIterable<{
        record: Record<string, string>
        info: { lines: number }
      }>) {
        rowsRead++
        const line = info.lines
        const reject = (
          column: string | null,
          value: string | undefined,
          rule: ReportReject['rule'],
          message: string,
        ) => void rejects.push({ line, column, value: (value ?? '').slice(0, 200), rule, message })
        const id = record[m.id]?.trim()
        if (!id) {
          reject(m.id, record[m.id], 'required', `${m.id} is empty`)
          continue
        }
        const code = m.typeMap[record[m.type]?.trim() ?? '']
        if (!code) {
          reject(m.type, record[m.type], 'unknown-type', `"${record[m.type]}" is not in typeMap`)
          continue
        }
        const at = parseTime(record[m.requested] ?? '', timeZone)
        if (at === undefined) {
          reject(
            m.requested,
            record[m.requested],
            'bad-time',
            'needs an ISO time with an offset, or a local YYYY-MM-DD HH:MM with --timezone',
          )
          continue
        }
        const lat = Number(record[m.lat])
        const lon = Number(record[m.lon])
        if (
          !Number.isFinite(lat) ||
          !Number.isFinite(lon) ||
          Math.abs(lat) > 90 ||
          Math.abs(lon) > 180 ||
          (lat === 0 && lon === 0)
        ) {
          reject(
            m.lat,
            `${record[m.lat]},${record[m.lon]}`,
            'bad-coordinates',
            'latitude/longitude missing or out of range',
          )
          continue
        }
        if (
          lat < south - MARGIN_DEG ||
          lat > north + MARGIN_DEG ||
          lon < west - MARGIN_DEG ||
          lon > east + MARGIN_DEG
        ) {
          reject(m.lat, `${lat},${lon}`, 'outside-jurisdiction', `outside ${network.name}`)
          continue
        }
        const importKey = `${network.name}:${id}`
        const seen = await trx
          .selectFrom('community_report')
          .select('id')
          .where('import_key', '=', importKey)
          .executeTakeFirst()
        if (seen) {
          alreadyImported++
          continue
        }
        const requestedAt = new Date(at)
        const nearby = await findNearbyReports(trx, {
          networkName: network.name,
          serviceCode: code,
          lat,
          lon,
          boxDeg: 0.001,
          since: new Date(at - DEDUPE_WINDOW_MS),
        })
        const duplicateOf =
          findDuplicateTarget(
            { serviceCode: code, lat, lon, requestedAtMs: at },
            nearby.filter((r) => r.requestedAtMs <= at),
          ) ?? null
        const snap = drive.snapIndex.snap(lon, lat, REPORT_SNAP_RADIUS_M)
        const snapped = snap && {
          segmentId: drive.graph.segmentIds[snap.segment]!,
          distanceM: snap.distanceM,
        }
        const status =
          (m.status && record[m.status]?.trim().toLowerCase()) === 'closed' ? 'closed' : 'open'
        await insertReport(
          trx,
          {
            id: uuidv7(),
            network_name: network.name,
            service_code: code,
            status,
            review: duplicateOf ? 'duplicate' : 'unreviewed',
            status_notes: null,
            description: m.description ? (record[m.description]?.slice(0, 4000) ?? null) : null,
            attributes: {},
            lat,
            lon,
            address: null,
            media_url: null,
            segment_id: snapped?.segmentId ?? null,
            snap_distance_m: snapped?.distanceM ?? null,
            requested_at: requestedAt,
            updated_at: requestedAt,
            duplicate_of: duplicateOf,
            source: 'import',
            api_key_id: null,
            device_hash: null,
            account_hash: null,
            area_cell: areaCell(lat, lon),
            flagged: false,
            flag_reason: null,
            import_key: importKey,
          },
          NO_CONTACT,
        )
        if (duplicateOf) {
          duplicates++
          await incrementReportCount(trx, duplicateOf, requestedAt)
        }
        imported++
      }
      // a dry run reads and checks everything, then keeps nothing
      if (options.dryRun) throw new DryRunDone()
    })
    .catch((err) => {
      if (!(err instanceof DryRunDone)) throw err
    })
  const rejectedByRule: Record<string, number> = {}
  for (const r of rejects) rejectedByRule[r.rule] = (rejectedByRule[r.rule] ?? 0) + 1
  return {
    rowsRead,
    imported,
    alreadyImported,
    duplicates,
    rejected: rejects.length,
    rejectedByRule,
    rejects,
  }
}

class DryRunDone extends Error {}
