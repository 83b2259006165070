import { readFileSync } from 'node:fs'
import { check } from '@placemarkio/check-geojson'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { findNetwork } from '../../src/db/networks.js'
import { findRoute } from '../../src/network/index.js'
import { NetworkCache } from '../../src/services/network-cache.js'
import { buildTestApp, multipart } from '../helpers/app.js'
import { countRows, DIALECTS, openTestDatabase } from '../helpers/db.js'

const ATLANTA = readFileSync('data/atlanta/central-atlanta-filtered.osm.pbf')

describe.each(DIALECTS)('%s: street networks over HTTP', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  const upload = (name: string, content: Buffer, filename = 'city.osm.pbf') =>
    app.inject({
      method: 'POST',
      url: '/v1/networks',
      ...multipart({ name }, { filename, content }),
    })
  const countSegments = async () => countRows(handle.db, 'street_segment')

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    app = await buildTestApp(handle)
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  describe('POST /v1/networks', () => {
    it('imports the Atlanta PBF with drive and foot modes', async () => {
      const res = await upload('atlanta', ATLANTA)
      expect(res.statusCode).toBe(201)
      const network = res.json()
      expect(network).toMatchObject({
        name: 'atlanta',
        version: 1,
        source: { name: 'city.osm.pbf', bytes: 326805 },
      })
      expect(network.source.sha256).toBe(
        '692393062d1fd583fae490cee0ef8a89bf60f789ac2ff7517e885213ada5f02a',
      )
      expect(network.unfiltered.drive).toMatchObject({
        segments: 5713,
        directedEdges: 10259,
        nodes: 4547,
      })
      expect(network.unfiltered.foot).toMatchObject({ segments: 13387, nodes: 9411 })
      expect(network.modes.drive.segments).toBeLessThan(5713)
      expect(await countSegments()).toBe(network.modes.drive.segments + network.modes.foot.segments)
    })

    it('makes a new version when the name is taken and keeps the old one', async () => {
      const res = await upload('atlanta', ATLANTA)
      expect(res.json().version).toBe(2)
      const list = (await app.inject('/v1/networks')).json().networks
      expect(list.map((n: { name: string; version: number }) => `${n.name}@${n.version}`)).toEqual([
        'atlanta@2',
        'atlanta@1',
      ])
    })

    it('refuses a file that is not a PBF, truncated or empty, writing nothing', async () => {
      const before = await countSegments()
      const cases: [Buffer, string][] = [
        [Buffer.from('<?xml version="1.0"?><osm></osm>'), 'not-a-pbf'],
        [ATLANTA.subarray(0, 100_000), 'truncated-pbf'],
        [Buffer.alloc(0), 'empty-pbf'],
      ]
      for (const [content, code] of cases) {
        const res = await upload('broken', content)
        expect(res.statusCode, code).toBe(422)
        expect(res.json().code).toBe(code)
      }
      expect(await countSegments()).toBe(before)
      expect((await app.inject('/v1/networks/broken/segments')).statusCode).toBe(404)
    })

    it('asks for a name and a file', async () => {
      expect((await upload('Not A Name', ATLANTA)).json()).toMatchObject({
        status: 400,
        code: 'validation-failed',
      })
      const noFile = await app.inject({
        method: 'POST',
        url: '/v1/networks',
        ...multipart({ name: 'x' }),
      })
      expect(noFile.json().code).toBe('file-required')
      const json = await app.inject({ method: 'POST', url: '/v1/networks', payload: { name: 'x' } })
      expect(json.json().code).toBe('not-multipart')
    })

    it('answers a file over the upload limit with 413, never a truncated import', async () => {
      const small = await buildTestApp(handle, { UPLOAD_LIMIT_BYTES: '100000' })
      const res = await small.inject({
        method: 'POST',
        url: '/v1/networks',
        ...multipart({ name: 'cut' }, { filename: 'a.pbf', content: ATLANTA }),
      })
      await small.close()
      expect(res.statusCode).toBe(413)
      expect(res.json().code).toBe('body-too-large')
    })

    it('answers a multipart request with 1,001 parts with 413', async () => {
      // the one known field sent 1,001 times (an unknown one would be refused as such first)
      const boundary = 'patrol-many-parts'
      const part = `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n`
      const res = await app.inject({
        method: 'POST',
        url: '/v1/networks',
        payload: `${part.repeat(1001)}--${boundary}--\r\n`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      })
      expect(res.statusCode).toBe(413)
      expect(res.json().code).toBe('body-too-large')
    })
  })

  describe('GET /v1/networks/:name/segments', () => {
    it('pages through a bbox as valid RFC 7946 GeoJSON', async () => {
      const bbox = '-84.40,33.75,-84.38,33.77'
      const first = await app.inject(
        `/v1/networks/atlanta/segments?bbox=${bbox}&mode=drive&limit=50`,
      )
      expect(first.statusCode).toBe(200)
      const page = first.json()
      expect(() =>
        check(JSON.stringify({ type: page.type, features: page.features })),
      ).not.toThrow()
      expect(page.numberReturned).toBe(50)
      const f = page.features[0]
      expect(f.properties).toMatchObject({
        mode: 'drive',
        oneway: expect.any(Boolean),
        lengthM: expect.any(Number),
      })
      expect(f.geometry.coordinates[0][0]).toBeLessThan(-84) // lon first
      const second = (await app.inject(page.next)).json()
      expect(second.features[0].id).not.toBe(f.id)
      const ids = new Set([...page.features, ...second.features].map((x: { id: string }) => x.id))
      expect(ids.size).toBe(page.features.length + second.features.length)
    })

    it('answers an unknown network with 404 and a bad bbox with 400', async () => {
      expect((await app.inject('/v1/networks/gotham/segments')).json().code).toBe(
        'network-not-found',
      )
      expect((await app.inject('/v1/networks/atlanta/segments?bbox=1,2,3')).json().code).toBe(
        'validation-failed',
      )
      expect((await app.inject('/v1/networks/atlanta/segments?bbox=10,50,5,40')).statusCode).toBe(
        400,
      )
    })
  })

  describe('GET /v1/networks/:name/route', () => {
    const from = '-84.3935,33.7633'
    it('returns the shortest drive path as a GeoJSON LineString with length and travel time', async () => {
      const res = await app.inject(
        `/v1/networks/atlanta/route?from=${from}&to=-84.3880,33.7490&mode=drive`,
      )
      expect(res.statusCode).toBe(200)
      const feature = res.json()
      expect(() => check(JSON.stringify(feature))).not.toThrow()
      expect(feature.properties).toMatchObject({
        status: 'found',
        mode: 'drive',
        network: 'atlanta',
        version: 2,
      })
      // at least the straight-line distance (1.66 km), at most a generous detour
      expect(feature.properties.lengthM).toBeGreaterThan(1600)
      expect(feature.properties.lengthM).toBeLessThan(4000)
      expect(feature.properties.travelTimeS).toBeGreaterThan(feature.properties.lengthM / 30)
      expect(feature.geometry.coordinates[0][0]).toBeCloseTo(-84.3935, 2)
      const foot = (
        await app.inject(`/v1/networks/atlanta/route?from=${from}&to=-84.3880,33.7490&mode=foot`)
      ).json()
      expect(foot.properties.travelTimeS).toBeGreaterThan(feature.properties.travelTimeS)
    })

    it('answers a point far from any street with 422 saying how far', async () => {
      const res = await app.inject(`/v1/networks/atlanta/route?from=${from}&to=-84.20,33.70`)
      expect(res.statusCode).toBe(422)
      expect(res.json()).toMatchObject({ code: 'too-far-from-street', field: 'to' })
      expect(res.json().detail).toMatch(
        /^to \(-84\.2, 33\.7\) is outside the network: the nearest drive street is \d+\.\d km away$/,
      )
      expect(
        (await app.inject(`/v1/networks/atlanta/route?from=x&to=${from}`)).json(),
      ).toMatchObject({ code: 'validation-failed', field: 'from' })
    })

    it('answers a pair with no path with status unreachable, not an error', async () => {
      const network = (await app.inject('/v1/networks')).json().networks[0]
      const loaded = await new NetworkCache(handle.db).mode(
        { id: (await findNetwork(handle.db, 'atlanta'))!.id },
        'drive',
      )
      const start = loaded.snapIndex.snap(-84.3935, 33.7633, 1000)!
      let target: [number, number] | undefined
      for (let i = 0; i < loaded.graph.segmentCount && !target; i++) {
        const r = findRoute(
          loaded.graph,
          { segment: start.segment, offsetM: start.offsetM },
          { segment: i, offsetM: loaded.graph.segmentLengthM[i]! / 2 },
        )
        if (r.status === 'unreachable') {
          const g = loaded.segments[i]!.geometry
          target = [...g[Math.floor(g.length / 2)]!] as [number, number]
        }
      }
      expect(network.name).toBe('atlanta')
      expect(target).toBeDefined()
      const res = await app.inject(
        `/v1/networks/atlanta/route?from=${from}&to=${target!.join(',')}`,
      )
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({
        geometry: null,
        properties: { status: 'unreachable', lengthM: null, travelTimeS: null },
      })
    })

    it('answers an unknown network with 404', async () => {
      expect(
        (await app.inject(`/v1/networks/gotham/route?from=${from}&to=${from}`)).json().code,
      ).toBe('network-not-found')
    })
  })
})
