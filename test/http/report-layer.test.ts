// Every report here is SYNTHETIC: no real 311 data exists for our cities, and nothing here claims a forecast gain.
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { syncServiceTypes } from '../../src/db/report-types.js'
import { parseServiceTypes } from '../../src/reports/index.js'
import { buildTestApp } from '../helpers/app.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { openTestDatabase } from '../helpers/db.js'

describe('pglite: the resident-reports layer of risk', () => {
  let handle: DbHandle
  let app: FastifyInstance
  const risk = async (limit = 5000) =>
    (await app.inject(`/v1/risk?network=atlanta&limit=${limit}`)).json()
  /** A point halfway along a feature's first piece: on that segment, away from its intersections. */
  const onSegment = (f: { geometry: { coordinates: number[][] } }) => {
    const [a, b] = f.geometry.coordinates
    return [(a![0]! + b![0]!) / 2, (a![1]! + b![1]!) / 2]
  }
  const report = async (position: number[]) =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        payload: { service_code: 'suspicious', lat: position[1], long: position[0] },
      })
    ).statusCode

  beforeAll(async () => {
    handle = await openTestDatabase('pglite')
    const types = parseServiceTypes(readFileSync('data/report-types.json', 'utf8')).map((t) =>
      t.code === 'suspicious' ? { ...t, risk: { enabled: true, weight: 0.1, cap: 0.2 } } : t,
    )
    await syncServiceTypes(handle.db, types)
    await seedAtlanta(handle, { years: ['2022'] })
    app = await buildTestApp(handle)
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('adds a capped share to a segment with crime, shown in its explanation', async () => {
    const before = await risk()
    const target = before.features[10]
    expect(await report(onSegment(target))).toBe(201)
    const after = await risk()
    const same = after.features.find((f: { id: string }) => f.id === target.id)
    const stored = (await app.inject('/v1/requests?service_code=suspicious')).json()
    expect(stored[0].segment_id, JSON.stringify(same.properties.explanation)).toBe(target.id)
    expect(same.properties.explanation.residentReportsShare).toBeGreaterThan(0)
    // the layer is capped at the crime term: at most half of the score
    expect(same.properties.explanation.residentReportsShare).toBeLessThanOrEqual(0.5 + 1e-9)
    expect(same.properties.expected).toBeGreaterThan(target.properties.expected)
    expect(same.properties.why).toMatch(/resident reports [1-9]\d? %$/)
  })

  it('never lifts a segment without crime: reports alone add nothing', async () => {
    const all = await risk()
    const empty = all.features.find(
      (f: { properties: { expected: number } }) => f.properties.expected === 0,
    )
    expect(await report(onSegment(empty))).toBe(201)
    const after = await risk()
    const same = after.features.find((f: { id: string }) => f.id === empty.id)
    expect(same.properties.expected).toBe(0)
    expect(same.properties.explanation.residentReportsShare).toBe(0)
  })
})
