// Every report in this file is SYNTHETIC test input: no real 311 data exists for our cities.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../src/db/api-keys.js'
import type { DbHandle } from '../../src/db/connect.js'
import { buildTestApp, captureLogs } from '../helpers/app.js'
import { countRows, DIALECTS, openTestDatabase } from '../helpers/db.js'
import { seedReportIntake } from '../helpers/reports.js'

const ZONE5 = { lat: 33.7633, long: -84.3935 }
const PII = {
  email: 'synthetic.resident@example.org',
  phone: '+1-404-555-0199',
  first_name: 'Synthetica',
  last_name: 'Testperson',
}

describe.each(DIALECTS)('%s: Open311 resident reports', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  const keys: Record<string, string> = {}
  const logs = captureLogs()
  const as = (role: string) => ({ authorization: `Bearer ${keys[role]}` })
  const post = (body: object, role = 'resident-app') =>
    app.inject({ method: 'POST', url: '/v1/requests', headers: as(role), payload: body })
  const countReports = async () => countRows(handle.db, 'community_report')

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    await seedReportIntake(handle)
    for (const role of ['resident-app', 'analyst', 'supervisor'] as const)
      keys[role] = (await createApiKey(handle.db, role)).key
    app = await buildTestApp(handle, { AUTH: 'on' }, logs.stream)
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  describe('GET /v1/services', () => {
    it("lists the report types and one type's attribute definitions", async () => {
      const list = (await app.inject({ url: '/v1/services', headers: as('resident-app') })).json()
      expect(list.map((s: { service_code: string }) => s.service_code)).toContain('welfare')
      expect(
        list.find((s: { service_code: string }) => s.service_code === 'streetlight'),
      ).toMatchObject({ metadata: true, type: 'realtime', group: 'Street condition' })
      const definition = (
        await app.inject({ url: '/v1/services/streetlight', headers: as('resident-app') })
      ).json()
      expect(definition.attributes[0]).toMatchObject({
        code: 'condition',
        datatype: 'singlevaluelist',
        required: true,
        order: 1,
      })
      expect(
        (await app.inject({ url: '/v1/services/unicorns', headers: as('resident-app') })).json()
          .code,
      ).toBe('not-found')
    })
  })

  describe('POST /v1/requests', () => {
    it('takes a report and shows its status back without personal data', async () => {
      const res = await post({
        service_code: 'streetlight',
        ...ZONE5,
        description: 'Light out at the corner',
        attribute: { condition: 'out' },
        media_url: 'https://photos.example.org/synthetic-light.jpg',
        ...PII,
        device_id: 'device-A',
      })
      expect(res.statusCode).toBe(201)
      const [created] = res.json()
      expect(created).toMatchObject({ service_notice: null, account_id: null, duplicate: false })
      const url = `/v1/requests/${created.service_request_id}`
      const view = (await app.inject({ url, headers: as('resident-app') })).json()
      // any resident-app key may read any report: free text and photos, which may carry personal
      // data, stay with staff
      expect(view[0]).toMatchObject({
        status: 'open',
        service_code: 'streetlight',
        lat: ZONE5.lat,
        long: ZONE5.long,
        description: null,
        media_url: null,
      })
      const text = JSON.stringify(view)
      for (const value of [...Object.values(PII), 'device-A']) expect(text).not.toContain(value)
      expect((await app.inject({ url, headers: as('analyst') })).json()[0]).toMatchObject({
        description: 'Light out at the corner',
        media_url: 'https://photos.example.org/synthetic-light.jpg',
      })
    })

    it('names the missing service code, the over-long description and the mistyped attribute', async () => {
      const before = await countReports()
      const missing = await post({ ...ZONE5 })
      expect(missing.statusCode).toBe(400)
      expect(missing.json().errors).toEqual([
        { field: 'body.service_code', message: "must have required property 'service_code'" },
      ])
      const long = await post({ service_code: 'noise', ...ZONE5, description: 'x'.repeat(4001) })
      expect(long.statusCode).toBe(400)
      expect(long.json().errors[0].field).toBe('body.description')
      const typed = await post({
        service_code: 'suspicious',
        ...ZONE5,
        attribute: { people_count: 'a few' },
      })
      expect(typed.statusCode).toBe(422)
      expect(typed.json()).toMatchObject({
        code: 'invalid-attribute',
        errors: [{ field: 'attribute.people_count' }],
      })
      expect(await countReports()).toBe(before)
    })

    it('refuses an unknown type and a point outside the jurisdiction, storing nothing', async () => {
      const before = await countReports()
      expect((await post({ service_code: 'ufo', ...ZONE5 })).json().code).toBe(
        'unknown-service-code',
      )
      const outside = await post({ service_code: 'graffiti', lat: 40.7128, long: -74.006 })
      expect(outside.statusCode).toBe(422)
      expect(outside.json().code).toBe('outside-jurisdiction')
      expect(
        (await post({ service_code: 'graffiti', ...ZONE5, jurisdiction_id: 'gotham' })).json().code,
      ).toBe('unknown-jurisdiction')
      expect((await post({ service_code: 'graffiti' })).json().code).toBe('location-required')
      expect(
        (await post({ service_code: 'graffiti', address_string: 'Nowhere Rd & Elm St' })).json(),
      ).toMatchObject({ status: 422, code: 'address-not-found' })
      expect(await countReports()).toBe(before)
    })

    it('counts the same type within 50 m and an hour into one report', async () => {
      const first = (await post({ service_code: 'graffiti', lat: 33.75, long: -84.39 })).json()[0]
      const second = (
        await post({ service_code: 'graffiti', lat: 33.7502, long: -84.39 })
      ).json()[0]
      expect(second.duplicate).toBe(true)
      expect(second.service_request_id).not.toBe(first.service_request_id)
      expect(JSON.stringify(second)).not.toContain(first.service_request_id)
      const apart = (await post({ service_code: 'graffiti', lat: 33.752, long: -84.39 })).json()[0]
      expect(apart.duplicate).toBe(false)
      const list = (
        await app.inject({
          url: '/v1/requests?service_code=graffiti&review=unreviewed',
          headers: as('analyst'),
        })
      ).json()
      expect(
        list.find(
          (r: { service_request_id: string }) => r.service_request_id === first.service_request_id,
        ).report_count,
      ).toBe(2)
    })

    it('caps one device at 5 reports an hour with 429 and Retry-After, and flags the flood', async () => {
      const before = await countReports()
      const codes: number[] = []
      let last
      for (let i = 0; i < 6; i++) {
        last = await post({
          service_code: 'noise',
          lat: 33.77 + i * 0.001,
          long: -84.4,
          device_id: 'flooder',
          attribute: { kind: 'music' },
        })
        codes.push(last.statusCode)
      }
      expect(codes).toEqual([201, 201, 201, 201, 201, 429])
      expect(last!.json()).toMatchObject({ code: 'report-cap-reached', scope: 'device' })
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(3000)
      expect(await countReports()).toBe(before + 5)
      const flagged = (
        await app.inject({ url: '/v1/requests?service_code=noise', headers: as('analyst') })
      ).json()
      const flags = flagged.filter((r: { flagged: boolean }) => r.flagged)
      expect(flags.length).toBeGreaterThanOrEqual(3)
      expect(flags[0].flag_reason).toMatch(
        /^\d reports from one device in one area within an hour$/,
      )
    })

    it("answers a counted duplicate with the poster's own report and the shared status only", async () => {
      const theirs = {
        service_code: 'drugs',
        lat: 33.7451,
        long: -84.4201,
        description: 'Synthetic: dealing outside my flat, 12 Example Row, ring 4B',
        media_url: 'https://photos.example.org/synthetic-first.jpg',
      }
      const [first] = (await post(theirs)).json()
      const mine = { service_code: 'drugs', lat: 33.7453, long: -84.4203, description: 'Same spot' }
      const posted = await post(mine)
      expect(posted.statusCode).toBe(201)
      const [second] = posted.json()
      expect(second.duplicate).toBe(true)
      expect(JSON.stringify(second)).not.toContain(first.service_request_id)
      const patched = await app.inject({
        method: 'PATCH',
        url: `/v1/requests/${first.service_request_id}`,
        headers: as('analyst'),
        payload: { status_notes: 'Synthetic: officers informed' },
      })
      expect(patched.statusCode).toBe(200)

      const url = `/v1/requests/${second.service_request_id}`
      const [seen] = (await app.inject({ url, headers: as('resident-app') })).json()
      expect(seen).toMatchObject({
        service_request_id: second.service_request_id,
        status: 'open',
        status_notes: 'Synthetic: officers informed',
        lat: mine.lat,
        long: mine.long,
        description: null,
        media_url: null,
      })
      const text = JSON.stringify(seen)
      for (const value of [
        theirs.description,
        theirs.media_url,
        String(theirs.lat),
        String(theirs.long),
        first.service_request_id,
      ])
        expect(text).not.toContain(value)
      // staff see the duplicate's own words, still not the other resident's
      const [staff] = (await app.inject({ url, headers: as('analyst') })).json()
      expect(staff).toMatchObject({ description: 'Same spot', media_url: null, lat: mine.lat })
      expect(JSON.stringify(staff)).not.toContain(theirs.description)
    })

    it('lets only the resident app post', async () => {
      expect((await post({ service_code: 'graffiti', ...ZONE5 }, 'supervisor')).json().code).toBe(
        'forbidden-role',
      )
    })
  })

  describe('analysts and personal data', () => {
    it('sets status notes residents then see, and erases personal data on request', async () => {
      const [created] = (
        await post({
          service_code: 'abandoned-vehicle',
          lat: 33.755,
          long: -84.41,
          ...PII,
          device_id: 'device-B',
        })
      ).json()
      const id = created.service_request_id
      const patched = await app.inject({
        method: 'PATCH',
        url: `/v1/requests/${id}`,
        headers: as('analyst'),
        payload: { status: 'closed', status_notes: 'Towed 2026-11-24', review: 'reviewed' },
      })
      expect(patched.json()).toMatchObject({
        status: 'closed',
        review: 'reviewed',
        contact_on_file: true,
      })
      expect(
        (await app.inject({ url: `/v1/requests/${id}`, headers: as('resident-app') })).json()[0]
          .status_notes,
      ).toBe('Towed 2026-11-24')
      const erased = await app.inject({
        method: 'DELETE',
        url: `/v1/requests/${id}/contact`,
        headers: as('analyst'),
      })
      expect(erased.statusCode).toBe(204)
      const after = (
        await app.inject({
          url: `/v1/requests?service_code=abandoned-vehicle`,
          headers: as('analyst'),
        })
      ).json()
      expect(after[0].contact_on_file).toBe(false)
      const contact = await handle.db
        .selectFrom('report_contact')
        .selectAll()
        .where('report_id', '=', id)
        .execute()
      expect(contact).toEqual([])
      const row = await handle.db
        .selectFrom('community_report')
        .select(['device_hash'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      expect(row.device_hash).toBeNull()
    })

    it('never writes personal data into the log', async () => {
      await post({
        service_code: 'suspicious',
        ...ZONE5,
        ...PII,
        device_id: 'device-C',
        attribute: { people_count: 'x' },
      })
      await post({ service_code: 'suspicious', ...ZONE5, ...PII, email: 'not-an-email' })
      const text = logs.lines.join('\n')
      expect(logs.lines.length).toBeGreaterThan(10)
      for (const value of [...Object.values(PII), 'device-C', 'not-an-email'])
        expect(text).not.toContain(value)
    })

    it('keeps the report list to analysts', async () => {
      expect(
        (await app.inject({ url: '/v1/requests', headers: as('resident-app') })).statusCode,
      ).toBe(403)
    })
  })
})
