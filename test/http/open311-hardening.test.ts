// Every report in this file is SYNTHETIC test input: no real 311 data exists for our cities.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../src/db/api-keys.js'
import type { DbHandle } from '../../src/db/connect.js'
import { buildTestApp } from '../helpers/app.js'
import { countRows, DIALECTS, openTestDatabase } from '../helpers/db.js'
import { seedReportIntake } from '../helpers/reports.js'

describe.each(DIALECTS)('%s: Open311 caps, addresses and paging', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  let networkId: number
  const keys: Record<string, string> = {}
  const as = (key: string) => ({ authorization: `Bearer ${keys[key]}` })
  const post = (body: object, key: string) =>
    app.inject({ method: 'POST', url: '/v1/requests', headers: as(key), payload: body })

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    networkId = await seedReportIntake(handle)
    keys.flooder = (await createApiKey(handle.db, 'resident-app')).key
    keys.other = (await createApiKey(handle.db, 'resident-app')).key
    keys.resident = (await createApiKey(handle.db, 'resident-app')).key
    keys.analyst = (await createApiKey(handle.db, 'analyst')).key
    app = await buildTestApp(handle, { AUTH: 'on' })
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('caps posts without device_id and account_id per key and client address', async () => {
    const before = await countRows(handle.db, 'community_report')
    const codes: number[] = []
    let last
    for (let i = 0; i < 6; i++) {
      last = await post(
        { service_code: 'graffiti', lat: 33.741 + i * 0.006, long: -84.43 },
        'flooder',
      )
      codes.push(last.statusCode)
    }
    expect(codes).toEqual([201, 201, 201, 201, 201, 429])
    expect(last!.json()).toMatchObject({ code: 'report-cap-reached', scope: 'device' })
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(3000)
    expect(await countRows(handle.db, 'community_report')).toBe(before + 5)
    // the source is stored hashed: no row holds the client address
    const hashes = await handle.db
      .selectFrom('community_report')
      .select('device_hash')
      .distinct()
      .execute()
    expect(hashes).toHaveLength(1)
    expect(hashes[0]!.device_hash).toMatch(/^[0-9a-f]{64}$/)
    // another key from the same address is another source
    expect(
      (await post({ service_code: 'graffiti', lat: 33.741, long: -84.36 }, 'other')).statusCode,
    ).toBe(201)
  })

  it('flags a flood of posts without ids in one area', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await post(
        {
          service_code: 'noise',
          lat: 33.78 + i * 0.0006,
          long: -84.35,
          attribute: { kind: 'music' },
        },
        'other',
      )
      expect(res.statusCode).toBe(201)
    }
    const noise = (
      await app.inject({ url: '/v1/requests?service_code=noise', headers: as('analyst') })
    ).json()
    expect(noise.filter((r: { flagged: boolean }) => r.flagged)).toHaveLength(3)
  })

  it("shows residents the street a report was placed on, never the poster's typed address", async () => {
    const typed = '12 Synthetic Row, flat 4B'
    const placed = (
      await post(
        { service_code: 'drugs', lat: 33.7551, long: -84.3901, address_string: typed },
        'resident',
      )
    ).json()[0].service_request_id as string
    const unplaced = (
      await post(
        { service_code: 'drugs', lat: 33.7651, long: -84.4101, address_string: typed },
        'resident',
      )
    ).json()[0].service_request_id as string
    // what the placement does on a loaded network: the report snapped to a named drive segment
    await handle.db
      .insertInto('street_segment')
      .values({
        network_id: networkId,
        mode: 'drive',
        seq: 0,
        id: 'w77:1-2',
        way_id: 77,
        highway: 'residential',
        name: 'Synthetic Row',
        length_m: 100,
        speed_kmh: 40,
        oneway: false,
        from_node: 1,
        to_node: 2,
        west: -84.391,
        south: 33.755,
        east: -84.39,
        north: 33.7552,
        geometry: JSON.stringify([
          [-84.391, 33.755],
          [-84.39, 33.7552],
        ]),
      })
      .execute()
    await handle.db
      .updateTable('community_report')
      .set({ segment_id: 'w77:1-2', snap_distance_m: 4 })
      .where('id', '=', placed)
      .execute()

    const view = async (id: string, key: string) =>
      (await app.inject({ url: `/v1/requests/${id}`, headers: as(key) })).json()[0]
    const seen = await view(placed, 'other')
    expect(seen.address).toBe('Synthetic Row')
    expect(JSON.stringify(seen)).not.toContain('flat 4B')
    expect((await view(unplaced, 'other')).address).toBeNull()
    // analysts keep the text as typed
    expect((await view(placed, 'analyst')).address).toBe(typed)
    expect((await view(unplaced, 'analyst')).address).toBe(typed)
  })

  it('refuses a page beyond 100000 with 400 instead of overflowing the offset', async () => {
    const list = (page: string) =>
      app.inject({ url: `/v1/requests?page=${page}&page_size=500`, headers: as('analyst') })
    expect((await list('100000')).statusCode).toBe(200)
    for (const page of ['100001', '100000000000000000000', '1e300']) {
      const res = await list(page)
      expect(res.statusCode).toBe(400)
      expect(res.json().errors[0].field).toBe('querystring.page')
    }
  })
})
