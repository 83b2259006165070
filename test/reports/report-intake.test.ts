// Every report in this file is SYNTHETIC test input: no real 311 data exists for our cities.
import { createHash, createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { NO_CONTACT, reportStamp, type InsertableReport } from '../../src/db/reports.js'
import { syncServiceTypes } from '../../src/db/report-types.js'
import { updateReport } from '../../src/db/report-views.js'
import {
  areaCell,
  DEFAULT_CAPS,
  parseServiceTypes,
  type ReportCaps,
} from '../../src/reports/index.js'
import {
  clientNetwork,
  ReportRefused,
  submitReport,
  type ReportSubmission,
} from '../../src/services/report-intake.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'
import { insertTestReport, seedReportIntake } from '../helpers/reports.js'

const TYPES = parseServiceTypes(readFileSync('data/report-types.json', 'utf8'))
const submission = (
  at: { lat: number; lon: number },
  contact: { deviceId?: string; accountId?: string } = {},
  serviceCode = 'graffiti',
): ReportSubmission => ({
  serviceCode,
  ...at,
  attributes: {},
  contact: { ...NO_CONTACT, ...contact },
  apiKeyId: null,
})
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex')

describe.each(DIALECTS)('%s: report intake', (dialect) => {
  let handle: DbHandle

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    await seedReportIntake(handle)
  })
  afterAll(async () => {
    await handle?.close()
  })

  /** Submits all at once; how many were accepted and by which scope the rest were refused. */
  async function race(subs: readonly ReportSubmission[], caps: ReportCaps) {
    const now = new Date()
    const results = await Promise.allSettled(
      subs.map((s) => submitReport(handle.db, s, { now, caps })),
    )
    const refused = results.flatMap((r) =>
      r.status === 'rejected'
        ? [r.reason instanceof ReportRefused ? String(r.reason.details.scope) : String(r.reason)]
        : [],
    )
    return { accepted: results.length - refused.length, refused }
  }

  it('holds the account cap against concurrent posts from different devices', async () => {
    const caps = { ...DEFAULT_CAPS, perAccount: 3, floodThreshold: 100 }
    const subs = Array.from({ length: 8 }, (_, i) =>
      submission(
        { lat: 33.742 + i * 0.005, lon: -84.43 },
        { deviceId: `race-device-${i}`, accountId: 'race-account' },
      ),
    )
    const { accepted, refused } = await race(subs, caps)
    expect(accepted).toBe(3)
    expect(refused).toEqual(Array(5).fill('account'))
  })

  it('holds the area cap against concurrent posts from different devices and accounts', async () => {
    const caps = { ...DEFAULT_CAPS, perArea: 3, floodThreshold: 100 }
    const subs = Array.from({ length: 8 }, (_, i) =>
      submission(
        { lat: 33.7801 + i * 0.0001, lon: -84.3501 },
        { deviceId: `area-device-${i}`, accountId: `area-account-${i}` },
        'noise',
      ),
    )
    expect(new Set(subs.map((s) => areaCell(s.lat!, s.lon!))).size).toBe(1)
    const { accepted, refused } = await race(subs, caps)
    expect(accepted).toBe(3)
    expect(refused).toEqual(Array(5).fill('area'))
  })

  it('stores device and account ids as keyed hashes (HMAC), not a dictionary-reversible SHA-256', async () => {
    const now = new Date()
    const contact = { deviceId: 'hash-device', accountId: 'resident@example.org' }
    const keyed = await submitReport(
      handle.db,
      submission({ lat: 33.745, lon: -84.36 }, contact, 'drugs'),
      { now, hashKey: 'test-secret-one' },
    )
    const other = await submitReport(
      handle.db,
      submission({ lat: 33.75, lon: -84.36 }, contact, 'drugs'),
      { now, hashKey: 'test-secret-two' },
    )
    const rows = await handle.db
      .selectFrom('community_report')
      .select(['id', 'device_hash', 'account_hash'])
      .where('id', 'in', [keyed.id, other.id])
      .execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    const stored = byId.get(keyed.id)!
    expect(stored.device_hash).toBe(hmac('test-secret-one', 'device:hash-device'))
    expect(stored.account_hash).toBe(hmac('test-secret-one', 'account:resident@example.org'))
    const unsalted = createHash('sha256').update('account:resident@example.org').digest('hex')
    expect(stored.account_hash).not.toBe(unsalted)
    expect(byId.get(other.id)!.account_hash).not.toBe(stored.account_hash)
  })

  it('keeps caps consistent under the default (per-process) key', async () => {
    const caps = { ...DEFAULT_CAPS, perDevice: 2, floodThreshold: 100 }
    const now = new Date()
    const at = (i: number) => ({ lat: 33.76 + i * 0.005, lon: -84.37 })
    const first = await submitReport(handle.db, submission(at(0), { deviceId: 'default-key' }), {
      now,
      caps,
    })
    await submitReport(handle.db, submission(at(1), { deviceId: 'default-key' }), { now, caps })
    await expect(
      submitReport(handle.db, submission(at(2), { deviceId: 'default-key' }), { now, caps }),
    ).rejects.toMatchObject({ code: 'report-cap-reached', details: { scope: 'device' } })
    const row = await handle.db
      .selectFrom('community_report')
      .select('device_hash')
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow()
    expect(row.device_hash).not.toBe(
      createHash('sha256').update('device:default-key').digest('hex'),
    )
  })

  it('counts a post without device and account ids against its key and client network', async () => {
    const caps = { ...DEFAULT_CAPS, perDevice: 5, floodThreshold: 100 }
    const now = new Date()
    const anonymous = (i: number, clientIp: string, apiKeyId = 'anon-key'): ReportSubmission => ({
      ...submission({ lat: 33.741 + i * 0.005, lon: -84.425 }, {}, 'drugs'),
      apiKeyId,
      clientIp,
    })
    const post = (s: ReportSubmission) =>
      submitReport(handle.db, s, { now, caps, hashKey: 'test-secret-anon' })
    // an IPv6 client rotating its privacy addresses within one /64 is one source
    const ips = ['2001:db8:1:2::a', '2001:db8:1:2:aaaa::1', '2001:DB8:1:2:ffff:1:2:3']
    const first = await post(anonymous(0, ips[0]!))
    for (let i = 1; i < 5; i++) await post(anonymous(i, ips[i % 3]!))
    await expect(post(anonymous(5, ips[2]!))).rejects.toMatchObject({
      code: 'report-cap-reached',
      details: { scope: 'device' },
    })
    // another network, or another key from the same network, is another source
    await post(anonymous(5, '2001:db8:1:3::a'))
    await post(anonymous(5, ips[0]!, 'other-key'))
    const row = await handle.db
      .selectFrom('community_report')
      .select('device_hash')
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow()
    // stored as a keyed hash, never the address
    expect(row.device_hash).toBe(
      hmac('test-secret-anon', `client:${JSON.stringify(['anon-key', '2001:db8:1:2::/64'])}`),
    )
  })
})

describe('clientNetwork', () => {
  it('keeps IPv4 addresses, unmaps IPv4-mapped ones and cuts IPv6 to its /64', () => {
    expect(clientNetwork('192.0.2.7')).toBe('192.0.2.7')
    expect(clientNetwork('::ffff:192.0.2.7')).toBe('192.0.2.7')
    expect(clientNetwork('::ffff:c000:207')).toBe('192.0.2.7')
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(clientNetwork('2001:0DB8:0000:0001:1:2:3:4')).toBe('2001:db8:0:1::/64')
    expect(clientNetwork('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64')
    expect(clientNetwork('not:an::ip::addr')).toBe('not:an::ip::addr')
  })
})

describe.each(DIALECTS)('%s: reportStamp', (dialect) => {
  let handle: DbHandle
  let n = 0
  const stamp = () => reportStamp(handle.db, 'stamped')
  async function add(serviceCode: string, patch: Partial<InsertableReport> = {}): Promise<string> {
    const id = `stamp-${++n}`
    const at = new Date(Date.UTC(2026, 10, 24, 12, n))
    await insertTestReport(handle.db, {
      id,
      network_name: 'stamped',
      service_code: serviceCode,
      lat: 33.76,
      lon: -84.39,
      segment_id: 'seg-1',
      snap_distance_m: 3,
      requested_at: at,
      area_cell: '1:1',
      ...patch,
    })
    return id
  }

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    await syncServiceTypes(handle.db, TYPES) // every layer off, as shipped
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('changes only when what the risk layer reads changes', async () => {
    const id = await add('suspicious')
    const off = await stamp()
    // no layer on: neither new reports nor status notes (plans add them) change it
    await add('graffiti')
    await updateReport(handle.db, id, { statusNotes: 'patrol visit planned 14:00' }, new Date())
    expect(await stamp()).toBe(off)

    await syncServiceTypes(
      handle.db,
      TYPES.map((t) =>
        t.code === 'suspicious' ? { ...t, risk: { enabled: true, weight: 0.1, cap: 0.2 } } : t,
      ),
    )
    const on = await stamp()
    expect(on).not.toBe(off)
    // notes, status, other types and unsnapped reports leave it alone
    await updateReport(handle.db, id, { statusNotes: 'patrol visit planned 15:00' }, new Date())
    await updateReport(handle.db, id, { status: 'closed' }, new Date())
    await add('graffiti')
    await add('suspicious', { segment_id: null })
    expect(await stamp()).toBe(on)
    // a counted report of a layer type, a spam verdict and a duplicate link change it
    const counted = await add('suspicious')
    const withNew = await stamp()
    expect(withNew).not.toBe(on)
    await updateReport(handle.db, counted, { review: 'spam' }, new Date())
    const afterSpam = await stamp()
    expect(afterSpam).not.toBe(withNew)
    await updateReport(handle.db, counted, { review: 'reviewed' }, new Date())
    expect(await stamp()).toBe(withNew)
    await updateReport(handle.db, counted, { review: 'duplicate', duplicateOf: id }, new Date())
    expect(await stamp()).not.toBe(withNew)
  })
})
