import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { insertUpload, refreshUploadHeartbeat, type UploadRecord } from '../../src/db/uploads.js'
import { isStaleUpload, UPLOAD_STALE_MS } from '../../src/services/incident-upload.js'
import { buildTestApp, multipart } from '../helpers/app.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { countRows, DIALECTS, openTestDatabase } from '../helpers/db.js'

const COBRA_2022 = readFileSync('data/atlanta/COBRA-2022.csv.gz')
const HEADER_2022 =
  'offense_id,rpt_date,occur_date,occur_day,occur_day_num,occur_time,poss_date,poss_time,beat,zone,location,ibr_code,UC2_Literal,neighborhood,npu,lat,long'

/** A few rows in the APD 2022 schema, written for this test (not real records). */
const HAND_WRITTEN = [
  HEADER_2022,
  '900000001,1/5/2022,1/4/2022,Tuesday,3,21:10,1/4/2022,21:30,511,5,100 PEACHTREE ST NW,23F,LARCENY-FROM VEHICLE,Downtown,M,33.7590,-84.3880',
  '900000002,1/5/2022,1/4/2022,Tuesday,3,21:10,,,511,5,=HYPERLINK("http://evil.example"),23F,LARCENY-FROM VEHICLE,Downtown,M,91.5,-84.3880',
  '900000003,1/5/2022,1/4/1922,Tuesday,3,21:10,,,511,5,1 MAIN ST,23F,LARCENY-FROM VEHICLE,Downtown,M,33.7590,-84.3880',
].join('\n')

describe.each(DIALECTS)('%s: incident uploads over HTTP', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  let firstId: string
  const send = (
    content: Buffer,
    fields: Record<string, string> = { network: 'atlanta' },
    headers: Record<string, string> = {},
    filename = 'COBRA-2022.csv.gz',
  ) => {
    const body = multipart(fields, { filename, content })
    return app.inject({
      method: 'POST',
      url: '/v1/incidents/uploads',
      payload: body.payload,
      headers: { ...body.headers, ...headers },
    })
  }
  const countIncidents = async () => countRows(handle.db, 'incident')

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    await seedAtlanta(handle, { timezone: false })
    app = await buildTestApp(handle, { UPLOAD_LIMIT_BYTES: String(2 * 1024 * 1024) })
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  describe('POST /v1/incidents/uploads', () => {
    it('streams the 2022 APD export in and summarises it', async () => {
      const res = await send(COBRA_2022)
      expect(res.statusCode).toBe(201)
      const upload = res.json()
      firstId = upload.id
      expect(upload).toMatchObject({
        status: 'completed',
        network: 'atlanta',
        dryRun: false,
        rowsRead: 17977,
        files: ['COBRA-2022.csv.gz'],
      })
      expect(upload.accepted + upload.rejected + upload.duplicates).toBe(upload.rowsRead)
      expect(upload.duplicates).toBe(upload.duplicatesWithinFile + upload.duplicatesAcrossUploads)
      expect(upload.accepted).toBe(upload.inserted)
      // the location counters are taken before the merge: they may also count merged duplicates
      expect(upload.snapped + upload.unsnapped + upload.withoutLocation).toBeGreaterThanOrEqual(
        upload.accepted,
      )
      expect(upload.snapDistanceM.p99).toBeLessThanOrEqual(60)
      expect(upload.rejectedByRule['coord.outside-area']).toBeGreaterThan(10_000)
      expect(await countIncidents()).toBe(upload.inserted)
      expect((await app.inject(`/v1/incidents/uploads/${upload.id}`)).json()).toMatchObject({
        id: upload.id,
        status: 'completed',
        accepted: upload.accepted,
      })
    })

    it('recognises the same file again as a repeat and stores nothing new', async () => {
      const before = await countIncidents()
      const res = await send(COBRA_2022)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ status: 'repeat', repeatOf: firstId })
      expect(await countIncidents()).toBe(before)
    })

    it('reads the same bytes again when they come with other options (a corrected zone)', async () => {
      const csv = Buffer.from(HAND_WRITTEN.replaceAll('1/4/2022', '1/5/2022'))
      const first = await send(csv, { network: 'atlanta' }, {}, 'zone.csv')
      expect(first.json()).toMatchObject({ status: 'completed' })
      const again = await send(csv, { network: 'atlanta' }, {}, 'zone.csv')
      expect(again.json()).toMatchObject({ status: 'repeat', repeatOf: first.json().id })
      const corrected = await send(
        csv,
        { network: 'atlanta', timezone: 'America/Chicago' },
        {},
        'zone.csv',
      )
      expect(corrected.statusCode).toBe(201)
      expect(corrected.json()).toMatchObject({ status: 'completed', timezone: 'America/Chicago' })
      expect(corrected.json().duplicatesAcrossUploads).toBeGreaterThan(0)
    })

    it('stores only the summary and rejects on a dry run', async () => {
      const before = await countIncidents()
      const res = await send(
        Buffer.from(HAND_WRITTEN),
        { network: 'atlanta', dryRun: 'true' },
        {},
        'hand-written.csv',
      )
      expect(res.statusCode).toBe(201)
      expect(res.json()).toMatchObject({ status: 'dry-run', rowsRead: 3, accepted: 1, rejected: 2 })
      expect(await countIncidents()).toBe(before)
      const csv = await app.inject(res.json().rejectsUrl)
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
      const lines = csv.body.trim().split('\n')
      expect(lines[0]).toBe('line,column,value,rule,message')
      expect(lines).toHaveLength(3)
      expect(lines[1]).toMatch(/^3,/)
      expect(lines[2]).toMatch(/^4,occur_date,1\/4\/1922 21:10,date\.before-floor,/)
      // the formula in the rejected row comes back escaped, never as a live formula
      expect(csv.body).not.toMatch(/(^|,)"?=HYPERLINK/m)
    })

    it('replays an Idempotency-Key repeat and refuses the key with other bytes', async () => {
      const headers = { 'idempotency-key': `key-${dialect}` }
      const first = await send(
        Buffer.from(HAND_WRITTEN),
        { network: 'atlanta' },
        headers,
        'hand-written.csv',
      )
      expect(first.statusCode).toBe(201)
      const again = await send(
        Buffer.from(HAND_WRITTEN),
        { network: 'atlanta' },
        headers,
        'hand-written.csv',
      )
      expect(again.statusCode).toBe(200)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(again.json().id).toBe(first.json().id)
      const other = await send(
        Buffer.from(HAND_WRITTEN.replace('21:10', '21:11')),
        { network: 'atlanta' },
        headers,
        'hand-written.csv',
      )
      expect(other.statusCode).toBe(422)
      expect(other.json().code).toBe('idempotency-key-reused')
    })

    it('answers 409 while an upload with the same key is still running', async () => {
      await insertUpload(handle.db, {
        id: `running-${dialect}`,
        networkName: 'atlanta',
        dryRun: false,
        fileNames: ['x.csv'],
        idempotencyScope: 'demo',
        idempotencyKey: 'busy',
        at: new Date(),
      })
      const res = await send(
        Buffer.from(HAND_WRITTEN),
        { network: 'atlanta' },
        { 'idempotency-key': 'busy' },
        'hand-written.csv',
      )
      expect(res.statusCode).toBe(409)
      expect(res.json().code).toBe('upload-in-progress')
    })

    it('lets a failed upload be retried under its Idempotency-Key with corrected bytes', async () => {
      const headers = { 'idempotency-key': `retry-${dialect}` }
      const failed = await send(Buffer.alloc(0), { network: 'atlanta' }, headers, 'empty.csv')
      expect(failed.statusCode).toBe(422)
      expect(failed.json().code).toBe('empty-file')
      const corrected = () =>
        send(
          Buffer.from(HAND_WRITTEN.replaceAll('1/4/2022', '1/3/2022')),
          { network: 'atlanta', dryRun: 'true' },
          headers,
          'hand-written.csv',
        )
      const fixed = await corrected()
      expect(fixed.statusCode).toBe(201)
      expect(fixed.json()).toMatchObject({ status: 'dry-run', rowsRead: 3 })
      // the key now belongs to the retry: the same bytes replay it, other bytes are refused
      const again = await corrected()
      expect(again.statusCode).toBe(200)
      expect(again.json().id).toBe(fixed.json().id)
      const other = await send(Buffer.alloc(0), { network: 'atlanta' }, headers, 'empty.csv')
      expect(other.statusCode).toBe(422)
      expect(other.json().code).toBe('idempotency-key-reused')
      const failures = await handle.db
        .selectFrom('incident_upload')
        .select(['status', 'idempotency_key'])
        .where('file_names', '=', JSON.stringify(['empty.csv']) as never)
        .execute()
      // the failed record stays readable; it gave its key to the retry
      expect(failures).toEqual([{ status: 'failed', idempotency_key: null }])
    })

    it('refuses unknown fields and a dryRun that is not true or false, storing nothing', async () => {
      const before = await countRows(handle.db, 'incident_upload')
      for (const [fields, field] of [
        [{ network: 'atlanta', dry_run: 'true' }, 'dry_run'],
        [{ network: 'atlanta', dryRun: '1' }, 'dryRun'],
        [{ network: 'atlanta', dryRun: 'TRUE' }, 'dryRun'],
      ] as const) {
        const res = await send(Buffer.from(HAND_WRITTEN), fields, {}, 'hand-written.csv')
        expect(res.statusCode, JSON.stringify(fields)).toBe(400)
        expect(res.json()).toMatchObject({ code: 'validation-failed', field })
      }
      // the file goes in the field "file" and nowhere else
      const misnamed = multipart(
        { network: 'atlanta' },
        { field: 'upload', filename: 'hand-written.csv', content: Buffer.from(HAND_WRITTEN) },
      )
      const res = await app.inject({ method: 'POST', url: '/v1/incidents/uploads', ...misnamed })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'validation-failed', field: 'upload' })
      expect(await countRows(handle.db, 'incident_upload')).toBe(before)
      const explicit = await send(
        Buffer.from(HAND_WRITTEN.replaceAll('1/4/2022', '1/2/2022')),
        { network: 'atlanta', dryRun: 'false', profile: 'auto' },
        {},
        'hand-written.csv',
      )
      expect(explicit.statusCode).toBe(201)
      expect(explicit.json()).toMatchObject({ dryRun: false })
    })

    it('answers a misused option with 400 invalid-upload-options before storing anything', async () => {
      const before = await countRows(handle.db, 'incident_upload')
      for (const fields of [
        { network: 'atlanta', timezone: 'Mars/Olympus_Mons' } as Record<string, string>,
        { network: 'atlanta', profile: 'no-such-profile' },
        { network: 'atlanta', profile: 'generic', mapping: '{"category":"x"}' },
      ]) {
        const res = await send(Buffer.from(HAND_WRITTEN), fields, {}, 'hand-written.csv')
        expect(res.statusCode, JSON.stringify(fields)).toBe(400)
        expect(res.json().code).toBe('invalid-upload-options')
      }
      expect(await countRows(handle.db, 'incident_upload')).toBe(before)
    })

    it('judges a running upload abandoned by its heartbeat, not its age', async () => {
      const running = async (key: string, createdAgoMs: number, beatAgoMs: number) => {
        const id = `${key}-${dialect}`
        await insertUpload(handle.db, {
          id,
          networkName: 'atlanta',
          dryRun: true,
          fileNames: ['x.csv'],
          idempotencyScope: 'demo',
          idempotencyKey: key,
          at: new Date(Date.now() - createdAgoMs),
        })
        await refreshUploadHeartbeat(handle.db, id, new Date(Date.now() - beatAgoMs))
      }
      const upload = (key: string) =>
        send(
          Buffer.from(HAND_WRITTEN),
          { network: 'atlanta', dryRun: 'true' },
          { 'idempotency-key': key },
          'hand-written.csv',
        )
      // killed two minutes in: no heartbeat for two minutes, the key is free again
      await running('killed', 120_000, 120_000)
      expect((await upload('killed')).statusCode).toBe(201)
      // a long upload that is still beating keeps its key
      await running('long', 2 * 3_600_000, 1_000)
      const busy = await upload('long')
      expect(busy.statusCode).toBe(409)
      expect(busy.json().code).toBe('upload-in-progress')
    })

    it('takes the staleness of a running upload from its heartbeat and the given now', () => {
      const at = new Date('2026-01-01T12:00:00Z')
      const record = {
        status: 'running',
        createdAt: new Date(at.getTime() - 5 * 3_600_000),
        heartbeatAt: at,
      } as UploadRecord
      expect(isStaleUpload(record, new Date(at.getTime() + UPLOAD_STALE_MS - 1))).toBe(false)
      expect(isStaleUpload(record, new Date(at.getTime() + UPLOAD_STALE_MS))).toBe(true)
      expect(isStaleUpload({ ...record, status: 'failed' }, new Date(at.getTime() + 1e9))).toBe(
        false,
      )
    })

    it('refuses an empty file, an unknown network and a missing network field, storing nothing', async () => {
      const before = await countIncidents()
      const empty = await send(Buffer.alloc(0), { network: 'atlanta' }, {}, 'empty.csv')
      expect(empty.statusCode).toBe(422)
      expect(empty.json().code).toBe('empty-file')
      expect((await send(COBRA_2022, { network: 'gotham' })).json()).toMatchObject({
        status: 404,
        code: 'network-not-found',
      })
      expect((await send(COBRA_2022, {})).json()).toMatchObject({ status: 400, field: 'network' })
      expect(await countIncidents()).toBe(before)
      const failed = await handle.db
        .selectFrom('incident_upload')
        .select(['status', 'error'])
        .where('status', '=', 'failed')
        .execute()
      expect(failed.some((f) => (f.error as { code: string } | null)?.code === 'empty-file')).toBe(
        true,
      )
    })

    it('answers a file over the upload limit with 413', async () => {
      const row = HAND_WRITTEN.split('\n')[1]
      const big = Buffer.from(
        [HEADER_2022, ...Array.from({ length: 20_000 }, () => row)].join('\n'),
      )
      expect(big.length).toBeGreaterThan(2 * 1024 * 1024)
      const res = await send(big, { network: 'atlanta' }, {}, 'big.csv')
      expect(res.statusCode).toBe(413)
      expect(res.json().code).toBe('body-too-large')
    })
  })
})
