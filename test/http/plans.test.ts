import { readFileSync } from 'node:fs'
import { check } from '@placemarkio/check-geojson'
import { gpx, kml } from '@tmcw/togeojson'
import { DOMParser } from '@xmldom/xmldom'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { findNetwork } from '../../src/db/networks.js'
import { syncServiceTypes } from '../../src/db/report-types.js'
import { parseServiceTypes } from '../../src/reports/index.js'
import { buildTestApp } from '../helpers/app.js'
import { seedAtlanta, ZONE5 } from '../helpers/atlanta.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

const AS_OF = '2022-03-04T00:00:00-05:00'
const car = (id: string) => ({ id, mode: 'drive', start: { station: 'apd-zone-5' } })
const baseRequest = {
  network: 'atlanta',
  shiftStart: '2022-03-04T15:00:00-05:00',
  shiftHours: 8,
  seed: 7,
  explorationShare: 0,
  units: [car('car-1'), car('car-2')],
}

describe.each(DIALECTS)('%s: shift plans over HTTP', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  let planId: string
  let plan: any
  const post = (body: object) => app.inject({ method: 'POST', url: '/v1/plans', payload: body })

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    await seedAtlanta(handle, {
      years: ['2021', '2022'],
      now: new Date('2022-01-01T00:00:00Z'),
      station: true,
    })
    app = await buildTestApp(handle)
    await app.inject({
      method: 'POST',
      url: '/v1/risk/snapshots',
      payload: { network: 'atlanta', asOf: AS_OF },
    })
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  describe('POST /v1/plans', () => {
    it('plans two cars for the 15–23 shift within the shift and under the teleport bound', async () => {
      const res = await post(baseRequest)
      expect(res.statusCode).toBe(201)
      plan = res.json()
      planId = plan.id
      expect(res.headers.location).toBe(`/v1/plans/${planId}`)
      expect(plan).toMatchObject({
        network: 'atlanta',
        riskAsOf: '2022-03-04T05:00:00.000Z',
        shiftStart: '2022-03-04T20:00:00.000Z',
        shiftEnd: '2022-03-05T04:00:00.000Z',
      })
      expect(plan.units.map((u: { id: string }) => u.id)).toEqual(['car-1', 'car-2'])
      expect(plan.totals.value).toBeGreaterThan(0)
      expect(plan.totals.value).toBeLessThanOrEqual(plan.totals.teleportBound + 1e-12)
      expect(plan.totals.ratio).toBeCloseTo(plan.totals.value / plan.totals.teleportBound, 9)
      for (const unit of plan.units) {
        expect(unit.stops.length).toBeGreaterThan(10)
        expect(new Date(unit.returnAt).getTime()).toBeLessThanOrEqual(
          new Date(plan.shiftEnd).getTime(),
        )
        for (const stop of unit.stops) {
          expect(stop.dwellMinutes).toBe(12)
          expect(stop.bucket).toMatch(/^how:\d+$/)
          expect(stop.reason.length).toBeGreaterThan(10)
          expect(stop.path.length).toBeGreaterThanOrEqual(2)
        }
      }
    })

    it('gives the same plan for the same seed and another plan for another seed', async () => {
      const again = (await post(baseRequest)).json()
      const stops = (p: any) =>
        p.units.map((u: any) => u.stops.map((s: any) => `${s.segmentId}@${s.arrive}`))
      expect(stops(again)).toEqual(stops(plan))
      expect(again.id).not.toBe(plan.id)
      const other = (await post({ ...baseRequest, seed: 8 })).json()
      expect(stops(other)).not.toEqual(stops(plan))
      expect(other.totals.value).toBeGreaterThan(0.9 * plan.totals.value)
    })

    it('names the field of a bad request', async () => {
      const cases: [object, string][] = [
        [{ ...baseRequest, units: [] }, 'body.units'],
        [{ ...baseRequest, shiftHours: 25 }, 'body.shiftHours'],
        [{ ...baseRequest, dwellMinutes: 0 }, 'body.dwellMinutes'],
        [{ ...baseRequest, dwellMinutes: 90 }, 'body.dwellMinutes'],
        [{ ...baseRequest, dwellMinutes: 0.5 }, 'body.dwellMinutes'],
        [{ ...baseRequest, seed: 1.5 }, 'body.seed'],
        [{ ...baseRequest, seed: 'lucky' }, 'body.seed'],
      ]
      for (const [body, field] of cases) {
        const res = await post(body)
        expect(res.statusCode, field).toBe(400)
        expect(res.json().errors[0].field).toBe(field)
      }
      const long = await post({ ...baseRequest, shiftHours: 0.5, dwellMinutes: 45 })
      expect(long.json()).toMatchObject({ status: 400, field: 'dwellMinutes' })
    })

    it('answers an unknown network 404, a far start 422 with the distance, no snapshot 409', async () => {
      expect((await post({ ...baseRequest, network: 'gotham' })).statusCode).toBe(404)
      const far = await post({
        ...baseRequest,
        units: [{ id: 'x', mode: 'drive', start: { lon: -84.2, lat: 33.7 } }],
      })
      expect(far.statusCode).toBe(422)
      expect(far.json()).toMatchObject({ code: 'too-far-from-street', field: 'units[0].start' })
      expect(far.json().detail).toMatch(/is \d+\.\d km from the nearest drive street/)
      const early = await post({ ...baseRequest, shiftStart: '2021-06-01T15:00:00-04:00' })
      expect(early.statusCode).toBe(409)
      expect(early.json().code).toBe('no-risk-snapshot')
      expect(early.json().detail).toMatch(/POST \/v1\/risk\/snapshots/)
      expect(
        (
          await post({
            ...baseRequest,
            units: [{ id: 'x', mode: 'drive', start: { station: 'nowhere' } }],
          })
        ).json().code,
      ).toBe('unknown-station')
    })

    it('never dwells on suppressed segments and visits included ones', async () => {
      const top = plan.units[0].stops[0].segmentId
      const included = plan.units[1].stops
        .map((s: any) => s.segmentId)
        .findLast((id: string) => id !== top)
      const res = (
        await post({
          ...baseRequest,
          suppress: { segments: [top] },
          include: { segments: [included] },
        })
      ).json()
      expect(res.units, JSON.stringify(res)).toBeDefined()
      const dwelt = res.units.flatMap((u: any) => u.stops.map((s: any) => s.segmentId))
      expect(dwelt).not.toContain(top)
      expect(dwelt).toContain(included)
      expect((await post({ ...baseRequest, include: { segments: ['w1:2-3'] } })).json().code).toBe(
        'unknown-segment',
      )
    })

    it('keeps the dosage cap: no segment dwelt on more than the cap allows', async () => {
      const counts = (p: any) => {
        const n = new Map<string, number>()
        for (const s of p.units.flatMap((u: any) => u.stops))
          n.set(s.segmentId, (n.get(s.segmentId) ?? 0) + 1)
        return Math.max(...n.values())
      }
      expect(counts(plan)).toBeGreaterThan(1) // the hottest places are revisited when allowed
      const capped = (await post({ ...baseRequest, maxDwellsPerSegment: 1 })).json()
      expect(counts(capped)).toBe(1)
      expect((await post({ ...baseRequest, maxDwellsPerSegment: 0 })).json().errors[0].field).toBe(
        'body.maxDwellsPerSegment',
      )
    })

    it('plans a foot beat around a point', async () => {
      const res = await post({
        ...baseRequest,
        shiftHours: 4,
        units: [{ id: 'foot-1', mode: 'foot', start: { lon: -84.388, lat: 33.759 } }],
      })
      expect(res.statusCode).toBe(201)
      const unit = res.json().units[0]
      expect(unit.mode).toBe('foot')
      expect(unit.stops.length).toBeGreaterThan(3)
      expect(unit.km).toBeLessThan(20)
    })
  })

  describe('GET /v1/plans/:id and exports', () => {
    it('reads the plan back', async () => {
      const res = await app.inject(`/v1/plans/${planId}`)
      expect(res.json()).toEqual(plan)
      expect((await app.inject('/v1/plans/00000000-0000-0000-0000-000000000000')).statusCode).toBe(
        404,
      )
    })

    it('exports valid GeoJSON, and GPX and KML that read back to the same coordinates', async () => {
      const geo = (await app.inject(`/v1/plans/${planId}.geojson`)).body
      expect(() => check(geo)).not.toThrow()
      const features = JSON.parse(geo).features
      const stopPoints = features
        .filter((f: any) => f.properties.kind === 'stop')
        .map((f: any) => f.geometry.coordinates)
      const firstStop = plan.units[0].stops[0].position
      expect(stopPoints[0][0]).toBeCloseTo(firstStop[0], 6)
      expect(stopPoints[0][1]).toBeCloseTo(firstStop[1], 6)
      const parse = (xml: string) =>
        new DOMParser().parseFromString(xml, 'text/xml') as unknown as Parameters<typeof gpx>[0]
      const fromGpx = gpx(parse((await app.inject(`/v1/plans/${planId}.gpx`)).body))
      const fromKml = kml(parse((await app.inject(`/v1/plans/${planId}.kml`)).body))
      for (const back of [fromGpx, fromKml]) {
        const points = back.features
          .filter((f) => f.geometry?.type === 'Point')
          .map((f) => (f.geometry as { coordinates: number[] }).coordinates)
        expect(points).toHaveLength(stopPoints.length)
        points.forEach((p, i) => {
          expect(p[0]).toBeCloseTo(stopPoints[i][0], 6)
          expect(p[1]).toBeCloseTo(stopPoints[i][1], 6)
        })
        const line = back.features.find((f) => f.geometry?.type === 'LineString')!.geometry as {
          coordinates: number[][]
        }
        const route = features.find((f: any) => f.properties.kind === 'route').geometry.coordinates
        expect(line.coordinates.length).toBe(route.length)
        expect(line.coordinates[5][0]).toBeCloseTo(route[5][0], 6)
        expect(line.coordinates[5][1]).toBeCloseTo(route[5][1], 6)
      }
    })

    it('exports a CSV briefing in local times', async () => {
      const res = await app.inject(`/v1/plans/${planId}.csv`)
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
      const lines = res.body.trim().split('\n')
      expect(lines[0]).toBe(
        'unit,mode,stop,arrive,leave,street,segment,lon,lat,dwell_minutes,expected_crimes,kind,reason',
      )
      expect(lines.length).toBe(1 + plan.units.reduce((n: number, u: any) => n + u.stops.length, 0))
      expect(lines[1]).toMatch(/^car-1,drive,1,1[5-9]:\d\d,/)
    })
  })

  describe('resident reports and plans (SYNTHETIC reports)', () => {
    it('refers welfare concerns to the shift and notes planned visits on nearby open reports', async () => {
      await syncServiceTypes(
        handle.db,
        parseServiceTypes(readFileSync('data/report-types.json', 'utf8')),
      )
      const now = new Date()
      await app.inject({
        method: 'POST',
        url: '/v1/risk/snapshots',
        payload: { network: 'atlanta', asOf: now.toISOString() },
      })
      const shiftStart = new Date(
        Math.ceil(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000,
      ).toISOString()
      const probe = (await post({ ...baseRequest, shiftStart, asOf: undefined })).json()
      const stop = probe.units[0].stops[0]
      const report = async (body: object) =>
        (await app.inject({ method: 'POST', url: '/v1/requests', payload: body })).json()[0]
          .service_request_id
      const graffiti = await report({
        service_code: 'graffiti',
        lat: stop.position[1],
        long: stop.position[0],
      })
      const welfare = await report({
        service_code: 'welfare',
        lat: stop.position[1] + 0.001,
        long: stop.position[0],
        attribute: { immediate_danger: 'no' },
        description: 'synthetic test report',
        email: 'synthetic@example.org',
      })
      const made = (await post({ ...baseRequest, shiftStart })).json()
      expect(made.units[0].stops[0].segmentId).toBe(stop.segmentId)
      expect(made.outreach).toEqual([
        expect.objectContaining({
          requestId: welfare,
          summary: expect.stringMatching(
            /^Someone in distress \(welfare concern\) \(immediate danger: no\), reported /,
          ),
        }),
      ])
      expect(JSON.stringify(made.outreach)).not.toMatch(
        /synthetic@example.org|synthetic test report/,
      )
      const status = (await app.inject(`/v1/requests/${graffiti}`)).json()[0]
      expect(status.status_notes).toMatch(/^patrol visit planned \d{4}-\d{2}-\d{2},? \d{2}:\d{2}$/)
      expect((await app.inject(`/v1/requests/${welfare}`)).json()[0].status_notes).toBeNull()
    })

    it('places a report given by intersection on the network and snaps it to a segment', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/requests',
        payload: { service_code: 'graffiti', address_string: 'Peachtree St NE & Ellis St NE' },
      })
      expect(res.statusCode).toBe(201)
      const id = res.json()[0].service_request_id
      const view = (await app.inject(`/v1/requests?service_code=graffiti`))
        .json()
        .find((r: { service_request_id: string }) => r.service_request_id === id)
      expect(view).toMatchObject({
        address: 'Peachtree St NE & Ellis St NE',
        segment_id: expect.stringMatching(/^w\d+:/),
      })
      expect(view.lat).toBeCloseTo(33.7584, 3)
      expect(view.long).toBeCloseTo(-84.3876, 3)
    })
  })

  it('keeps the network zone: a plan cannot start without it', async () => {
    expect((await findNetwork(handle.db, 'atlanta'))!.timezone).toBe('America/New_York')
  })
})
