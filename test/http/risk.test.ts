import { check } from '@placemarkio/check-geojson'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { findNetwork } from '../../src/db/networks.js'
import { findSnapshot } from '../../src/db/risk.js'
import { NetworkCache } from '../../src/services/network-cache.js'
import { buildTestApp } from '../helpers/app.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

const AT = '2022-03-04T20:00:00-05:00'

describe.each(DIALECTS)('%s: risk over HTTP', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  let snapshotCount = 0

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    // no timezone at import: the first upload's profile (America/New_York) sets it
    const { upload } = await seedAtlanta(handle, {
      timezone: false,
      years: ['2021', '2022'],
      now: new Date('2026-11-24T12:00:00Z'),
      rescore: true,
    })
    snapshotCount = upload?.snapshots?.length ?? 0
    await seedAtlanta(handle, { name: 'no-zone', timezone: false })
    app = await buildTestApp(handle)
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('recomputes both modes and schemes after an upload, in the zone the upload taught the network', async () => {
    expect(snapshotCount).toBe(4)
    expect((await findNetwork(handle.db, 'atlanta'))!.timezone).toBe('America/New_York')
    const list = (await app.inject('/v1/risk/snapshots?network=atlanta')).json()
    expect(
      list.snapshots.map((s: { mode: string; scheme: string }) => `${s.mode}/${s.scheme}`).sort(),
    ).toEqual(['drive/how', 'drive/shift', 'foot/how', 'foot/shift'])
    expect(list.snapshots[0].trigger).toMatch(/^upload /)
  })

  describe('GET /v1/risk', () => {
    it('ranks segments by expected crimes per km in the shift at the given instant, explained', async () => {
      const res = await app.inject(`/v1/risk?network=atlanta&at=${encodeURIComponent(AT)}&limit=20`)
      expect(res.statusCode).toBe(200)
      const page = res.json()
      expect(() =>
        check(JSON.stringify({ type: page.type, features: page.features })),
      ).not.toThrow()
      expect(page).toMatchObject({
        network: 'atlanta',
        mode: 'drive',
        bucket: 'shift:1',
        window: { start: '2022-03-04T20:00:00.000Z', end: '2022-03-05T04:00:00.000Z' },
      })
      const props = page.features.map((f: { properties: Record<string, number> }) => f.properties)
      expect(props.map((p: { rank: number }) => p.rank)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      )
      for (let i = 1; i < props.length; i++)
        expect(props[i].expectedPerKm).toBeLessThanOrEqual(props[i - 1].expectedPerKm)
      expect(props[0].expectedPerKm).toBeGreaterThan(0)
      expect(props[0].percentile).toBeGreaterThan(99)
      expect(props[0].why).toMatch(
        /^\d+ crimes here in the last year and \d+ before \(.+\); \d+ % of this segment's crime falls in this time bucket \(network \d+ %\)/,
      )
      expect(props[0].explanation.crimes.length).toBeGreaterThan(0)
      expect(props[0].explanation.residentReportsShare).toBe(0)
    })

    it('keeps network-wide ranks inside a bbox and reads hour-of-week buckets', async () => {
      const bbox = '-84.40,33.75,-84.38,33.77'
      const page = (
        await app.inject(
          `/v1/risk?network=atlanta&at=${encodeURIComponent(AT)}&bbox=${bbox}&limit=10`,
        )
      ).json()
      expect(page.features.length).toBe(10)
      for (const f of page.features) {
        const [lon, lat] = f.geometry.coordinates[Math.floor(f.geometry.coordinates.length / 2)]
        expect(lon).toBeGreaterThan(-84.41)
        expect(lat).toBeLessThan(33.78)
      }
      const how = (
        await app.inject(
          `/v1/risk?network=atlanta&at=${encodeURIComponent(AT)}&bucket=how:116&limit=5`,
        )
      ).json()
      expect(how.bucket).toBe('how:116')
      expect(new Date(how.window.end).getTime() - new Date(how.window.start).getTime()).toBe(
        3_600_000,
      )
    })

    it('answers bad buckets with 400, an unknown network with 404, a network without a zone with 409', async () => {
      expect((await app.inject('/v1/risk?network=atlanta&bucket=shift:9')).json()).toMatchObject({
        status: 400,
        field: 'bucket',
      })
      expect((await app.inject('/v1/risk?network=atlanta&bucket=noon')).json().code).toBe(
        'validation-failed',
      )
      expect((await app.inject('/v1/risk?network=gotham')).json().code).toBe('network-not-found')
      expect((await app.inject('/v1/risk?network=no-zone')).json()).toMatchObject({
        status: 409,
        code: 'timezone-unknown',
      })
    })
  })

  describe('POST /v1/risk/snapshots', () => {
    it('stores snapshots as of an instant that agree with GET /v1/risk', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/risk/snapshots',
        payload: { network: 'atlanta', asOf: AT },
      })
      expect(res.statusCode).toBe(201)
      expect(res.json().snapshots).toHaveLength(4)
      const network = (await findNetwork(handle.db, 'atlanta'))!
      const snapshot = (await findSnapshot(handle.db, {
        networkId: network.id,
        mode: 'drive',
        scheme: 'shift',
        asOf: new Date(AT),
      }))!
      const top = (
        await app.inject(
          `/v1/risk?network=atlanta&at=${encodeURIComponent(AT)}&bucket=shift:1&limit=1`,
        )
      ).json().features[0]
      const loaded = await new NetworkCache(handle.db).mode(network, 'drive')
      const column = snapshot.segmentSeqs.indexOf(
        loaded.segmentIndex.get(top.properties.segmentId)!,
      )
      const bucket = snapshot.bucketIds.indexOf('shift:1')
      expect(snapshot.expected[bucket * snapshot.segmentSeqs.length + column]).toBeCloseTo(
        top.properties.expected,
        6,
      )
    })
  })
})
