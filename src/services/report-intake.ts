import ipaddr from 'ipaddr.js'
import { createHmac, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { uuidv7 } from 'uuidv7'
import type { Database } from '../db/database.js'
import { findNetwork, listNetworks } from '../db/networks.js'
import {
  countRecentReports,
  countRecentReportsInArea,
  findNearbyReports,
  flagFlood,
  incrementReportCount,
  insertReport,
  lockReportSource,
  type ReportContact,
} from '../db/reports.js'
import { findServiceType } from '../db/report-types.js'
import {
  areaCell,
  checkCaps,
  DEDUPE_WINDOW_MS,
  DEFAULT_CAPS,
  findDuplicateTarget,
  validateAttributes,
  type ReportCaps,
} from '../reports/index.js'

export type RefusalCode =
  | 'unknown-service-code'
  | 'invalid-attribute'
  | 'location-required'
  | 'address-not-found'
  | 'jurisdiction-required'
  | 'unknown-jurisdiction'
  | 'outside-jurisdiction'
  | 'report-cap-reached'

/** A report the service will not take; nothing of it was stored. */
export class ReportRefused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message)
    this.name = 'ReportRefused'
  }
}

export interface ReportSubmission {
  readonly serviceCode: string
  readonly jurisdiction?: string
  readonly lat?: number
  readonly lon?: number
  readonly address?: string
  readonly description?: string
  readonly attributes: Readonly<Record<string, unknown>>
  readonly mediaUrl?: string
  readonly contact: ReportContact
  readonly apiKeyId: string | null
  /**
   * The poster's IP address (as the HTTP layer resolved it). Only used, hashed, as the source of a
   * report that names neither a device nor an account; never stored or logged as given.
   */
  readonly clientIp?: string
}

/** Where a report lands on the street network, found by the caller (the network cache). */
export interface Placement {
  /** Turns an address on the network into a point, or undefined. */
  geocode?(networkName: string, address: string): Promise<{ lat: number; lon: number } | undefined>
  /** The nearest drive segment within the snap radius, or undefined. */
  snap?(
    networkName: string,
    lat: number,
    lon: number,
  ): Promise<{ segmentId: string; distanceM: number } | undefined>
}

export interface Accepted {
  readonly id: string
  /** The report this one was counted into (same type within 50 m and 1 h), or null. */
  readonly duplicateOf: string | null
  readonly notice: string | null
  readonly flagged: boolean
}

const JURISDICTION_MARGIN_M = 200 // reports just across the network's edge still count
const METRES_PER_DEG = 111_320

/**
 * The key of the device/account hashes when the caller gives none: 32 random bytes drawn once when
 * this module loads (at startup). Hashes therefore match within one process only; a restart (or a
 * second server process) starts counting caps and floods afresh. Production passes a configured
 * secret instead, the same for every process.
 */
const PROCESS_HASH_KEY = randomBytes(32)

/**
 * A device or account id as stored: HMAC-SHA256 under a server secret, so that ids that are
 * e-mail addresses or phone numbers cannot be recovered from a database copy by trying candidates.
 */
export const sourceHash = (
  key: string | Uint8Array,
  kind: 'device' | 'account' | 'client',
  value: string,
) => createHmac('sha256', key).update(`${kind}:${value}`).digest('hex')

/**
 * The network a client address stands for when counting an anonymous poster: an IPv4 address as
 * it is (IPv4-mapped IPv6 too), an IPv6 address by its /64 (one subscriber's prefix, within which
 * privacy addresses rotate freely). Anything unparseable counts as given.
 */
export function clientNetwork(ip: string): string {
  const bare = ip.trim().replace(/%.*$/, '')
  if (!ipaddr.isValid(bare)) return bare.toLowerCase()
  const address = ipaddr.parse(bare)
  if (address.kind() === 'ipv4') return address.toString()
  const v6 = address as ipaddr.IPv6
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString()
  return `${v6.parts
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`
}

/**
 * The device hash a report is counted under. A report naming neither a device nor an account is
 * counted against its API key and client network instead (HMAC like device ids, so the address is
 * never stored or logged in clear): without that, omitting both ids escaped the per-device cap and
 * flood flagging. Many residents behind one NAT then share one device cap. A caller that gives
 * neither a key nor an address (in-process use) gets no source, as before.
 */
function deviceSourceHash(key: string | Uint8Array, submission: ReportSubmission): string | null {
  const { deviceId, accountId } = submission.contact
  if (deviceId) return sourceHash(key, 'device', deviceId)
  if (accountId) return null
  if (submission.apiKeyId === null && !submission.clientIp) return null
  const network = submission.clientIp ? clientNetwork(submission.clientIp) : ''
  return sourceHash(key, 'client', JSON.stringify([submission.apiKeyId, network]))
}

async function resolveJurisdiction(db: Kysely<Database>, given: string | undefined) {
  if (given !== undefined) {
    const network = await findNetwork(db, given)
    if (!network)
      throw new ReportRefused('unknown-jurisdiction', `no jurisdiction (network) named "${given}"`)
    return network
  }
  const names = [...new Set((await listNetworks(db)).map((n) => n.name))]
  if (names.length !== 1) {
    throw new ReportRefused(
      'jurisdiction-required',
      `give jurisdiction_id: one of ${names.join(', ') || '(none imported yet)'}`,
    )
  }
  return (await findNetwork(db, names[0]))!
}

/**
 * Takes one resident report: checks type, attributes, location and caps, de-duplicates it, and
 * stores it with its contact details kept apart — all in one transaction.
 * @throws ReportRefused (nothing stored) with a stable code.
 */
export async function submitReport(
  db: Kysely<Database>,
  submission: ReportSubmission,
  options: {
    readonly now: Date
    readonly caps?: ReportCaps
    readonly placement?: Placement
    /**
     * Secret key of the device/account hashes; give the same one to every process and keep it
     * across restarts. Default: a random key drawn at startup (caps then reset on restart).
     */
    readonly hashKey?: string | Uint8Array
  },
): Promise<Accepted> {
  const { now, caps = DEFAULT_CAPS, placement = {}, hashKey = PROCESS_HASH_KEY } = options
  const service = await findServiceType(db, submission.serviceCode)
  if (!service)
    throw new ReportRefused(
      'unknown-service-code',
      `no report type "${submission.serviceCode}"; see GET /v1/services`,
    )
  const checked = validateAttributes(service, submission.attributes)
  if ('problems' in checked) {
    const detail = checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')
    throw new ReportRefused('invalid-attribute', detail, { errors: checked.problems })
  }
  const network = await resolveJurisdiction(db, submission.jurisdiction)

  let { lat, lon } = submission
  if (lat === undefined || lon === undefined) {
    if (!submission.address)
      throw new ReportRefused('location-required', 'give lat and long, or address_string')
    const found = await placement.geocode?.(network.name, submission.address)
    if (!found) {
      throw new ReportRefused(
        'address-not-found',
        `"${submission.address}" is not a street or intersection of ${network.name}`,
      )
    }
    ;({ lat, lon } = found)
  }
  const [west, south, east, north] = network.bbox
  const marginLat = JURISDICTION_MARGIN_M / METRES_PER_DEG
  const marginLon = marginLat / Math.cos((lat * Math.PI) / 180)
  if (
    lat < south - marginLat ||
    lat > north + marginLat ||
    lon < west - marginLon ||
    lon > east + marginLon
  ) {
    throw new ReportRefused(
      'outside-jurisdiction',
      `(${lat}, ${lon}) is outside ${network.name} [${network.bbox.join(', ')}]`,
    )
  }
  const snapped = await placement.snap?.(network.name, lat, lon)

  const deviceHash = deviceSourceHash(hashKey, submission)
  const accountHash = submission.contact.accountId
    ? sourceHash(hashKey, 'account', submission.contact.accountId)
    : null
  const cell = areaCell(lat, lon)
  const since = new Date(now.getTime() - caps.windowMs)

  return db.transaction().execute(async (trx) => {
    // every cap this report counts against, so that concurrent posts from other devices of the
    // same account, or other sources in the same area, cannot all slip under a cap
    await lockReportSource(trx, [
      ...(deviceHash ? [`device:${deviceHash}`] : []),
      ...(accountHash ? [`account:${accountHash}`] : []),
      `area:${cell}`,
    ])
    const decision = checkCaps(
      {
        device: deviceHash
          ? await countRecentReports(trx, 'device_hash', deviceHash, since)
          : undefined,
        account: accountHash
          ? await countRecentReports(trx, 'account_hash', accountHash, since)
          : undefined,
        area: await countRecentReports(trx, 'area_cell', cell, since),
      },
      caps,
      now.getTime(),
    )
    if (!decision.allowed) {
      throw new ReportRefused(
        'report-cap-reached',
        `too many reports from this ${decision.scope} in the last hour`,
        {
          scope: decision.scope,
          retryAfterS: decision.retryAfterS,
        },
      )
    }
    const nearby = await findNearbyReports(trx, {
      networkName: network.name,
      serviceCode: service.code,
      lat: lat!,
      lon: lon!,
      boxDeg: 0.001,
      since: new Date(now.getTime() - DEDUPE_WINDOW_MS),
    })
    const duplicateOf =
      findDuplicateTarget(
        { serviceCode: service.code, lat: lat!, lon: lon!, requestedAtMs: now.getTime() },
        nearby,
      ) ?? null
    const id = uuidv7()
    await insertReport(
      trx,
      {
        id,
        network_name: network.name,
        service_code: service.code,
        status: 'open',
        review: duplicateOf ? 'duplicate' : 'unreviewed',
        status_notes: null,
        description: submission.description ?? null,
        attributes: checked.values,
        lat: lat!,
        lon: lon!,
        address: submission.address ?? null,
        media_url: submission.mediaUrl ?? null,
        segment_id: snapped?.segmentId ?? null,
        snap_distance_m: snapped?.distanceM ?? null,
        requested_at: now,
        updated_at: now,
        duplicate_of: duplicateOf,
        source: 'api',
        api_key_id: submission.apiKeyId,
        device_hash: deviceHash,
        account_hash: accountHash,
        area_cell: cell,
        flagged: false,
        flag_reason: null,
        import_key: null,
      },
      submission.contact,
    )
    if (duplicateOf) await incrementReportCount(trx, duplicateOf, now)
    let flagged = false
    for (const [column, value] of [
      ['device_hash', deviceHash],
      ['account_hash', accountHash],
    ] as const) {
      if (!value) continue
      const inArea = await countRecentReportsInArea(trx, column, value, cell, since)
      if (inArea >= caps.floodThreshold) {
        flagged = true
        const reason = `${inArea} reports from one ${column === 'device_hash' ? 'device' : 'account'} in one area within an hour`
        await flagFlood(trx, { column, value, areaCell: cell, since, reason })
      }
    }
    return { id, duplicateOf, notice: service.notice, flagged }
  })
}
