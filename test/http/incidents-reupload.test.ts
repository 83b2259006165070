import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import {
  findUpload,
  finishUpload,
  insertUpload,
  refreshUploadHeartbeat,
  UploadNotRunning,
} from '../../src/db/uploads.js'
import { UPLOAD_STALE_MS } from '../../src/services/incident-upload.js'
import { buildTestApp, multipart } from '../helpers/app.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { countRows, DIALECTS, openTestDatabase } from '../helpers/db.js'

/** 27 real VPD rows: against Atlanta only the 6 privacy rows (0,0) and 1 without X/Y are kept. */
const VPD = readFileSync('test/fixtures/ingest/vpd-2020-sample.csv', 'latin1')
const VPD_KEPT = 7

const HEADER_2022 =
  'offense_id,rpt_date,occur_date,occur_day,occur_day_num,occur_time,poss_date,poss_time,beat,zone,location,ibr_code,UC2_Literal,neighborhood,npu,lat,long'
/** Hand-written APD 2022 rows (not real records): ids 9100000xx, on Peachtree St downtown. */
const apdRow = (id: string, lat = '33.7590', long = '-84.3880') =>
  `${id},1/5/2022,1/4/2022,Tuesday,3,21:10,1/4/2022,21:30,511,5,100 PEACHTREE ST NW,23F,LARCENY-FROM VEHICLE,Downtown,M,${lat},${long}`
const apd = (...rows: string[]) => [HEADER_2022, ...rows].join('\n')

type Summary = Record<string, number> & { status: string; id: string }

/** rowsRead = accepted + rejected + duplicates, and duplicates splits into its two parts. */
function expectIdentity(s: Summary) {
  expect(s.accepted + s.rejected + s.duplicates, JSON.stringify(s)).toBe(s.rowsRead)
  expect(s.duplicates).toBe(s.duplicatesWithinFile + s.duplicatesAcrossUploads)
}

describe.each(DIALECTS)('%s: incident re-uploads', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  const send = (content: string, fields: Record<string, string> = {}, filename = 'x.csv') => {
    const body = multipart(
      { network: 'atlanta', ...fields },
      { filename, content: Buffer.from(content, 'latin1') },
    )
    return app.inject({ method: 'POST', url: '/v1/incidents/uploads', ...body })
  }
  const countIncidents = () => countRows(handle.db, 'incident')
  const snapsOf = async (sourceId: string) => {
    const { rows } = await sql<{ mode: string }>`
      select s.mode from incident_snap s join incident i on i.id = s.incident_id
      where i.source_id = ${sourceId} order by s.mode`.execute(handle.db)
    return rows.map((r) => r.mode)
  }

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    await seedAtlanta(handle)
    app = await buildTestApp(handle)
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('stores id-less rows once when an overlapping file comes again with other bytes', async () => {
    const first = await send(VPD, {}, 'vpd-2020.csv')
    expect(first.statusCode, first.body).toBe(201)
    expect(first.json()).toMatchObject({ status: 'completed', inserted: VPD_KEPT })
    expectIdentity(first.json())
    expect(await countIncidents()).toBe(VPD_KEPT)
    // no NULL keys: every stored VPD row has a content id
    const { rows } = await sql<{ source_id: string | null }>`
      select source_id from incident where source = 'vpd'`.execute(handle.db)
    expect(rows.every((r) => /^h:[0-9a-f]{64}#\d+$/.test(r.source_id ?? ''))).toBe(true)

    // a re-download: one more line break at the end, so not a byte-for-byte repeat
    const again = await send(`${VPD}\r\n`, {}, 'vpd-2020.csv')
    expect(again.statusCode, again.body).toBe(201)
    expect(again.json()).toMatchObject({
      status: 'completed',
      accepted: 0,
      inserted: 0,
      duplicatesAcrossUploads: VPD_KEPT,
    })
    expectIdentity(again.json())
    expect(await countIncidents()).toBe(VPD_KEPT)

    // the rows in another order are still the same records
    const [header, ...rows2] = VPD.trimEnd().split('\r\n')
    const reordered = await send([header, ...rows2.reverse()].join('\r\n'), {}, 'vpd-2020.csv')
    expect(reordered.json()).toMatchObject({ status: 'completed', inserted: 0 })
    expect(await countIncidents()).toBe(VPD_KEPT)
  })

  it('keeps rows repeated within one file as distinct incidents', async () => {
    const before = await countIncidents()
    const [header, firstRow, ...rest] = VPD.trimEnd().split('\r\n')
    // the first privacy row twice: the second copy is a second incident, the rest are known
    const res = await send([header, firstRow, firstRow, ...rest].join('\r\n'), {}, 'vpd-2020.csv')
    expect(res.json()).toMatchObject({ status: 'completed', inserted: 1 })
    expectIdentity(res.json())
    expect(await countIncidents()).toBe(before + 1)
  })

  it('keeps the counts whole on a re-upload that overlaps an earlier one', async () => {
    const first = await send(apd(apdRow('910000001'), apdRow('910000002')))
    expect(first.json()).toMatchObject({ status: 'completed', inserted: 2, accepted: 2 })
    expectIdentity(first.json())
    // two known records, one new, one repeated within the file, one rejected
    const second = await send(
      apd(
        apdRow('910000001'),
        apdRow('910000002'),
        apdRow('910000003'),
        apdRow('910000003'),
        apdRow('910000004', '91.5'),
      ),
    )
    expect(second.json()).toMatchObject({
      status: 'completed',
      rowsRead: 5,
      accepted: 1,
      inserted: 1,
      rejected: 1,
      duplicates: 3,
      duplicatesWithinFile: 1,
      duplicatesAcrossUploads: 2,
    })
    expectIdentity(second.json())
  })

  it('drops the old snaps of an incident whose new location snaps nowhere', async () => {
    const placed = await send(apd(apdRow('910000010')))
    expect(placed.json()).toMatchObject({ status: 'completed', inserted: 1, snapped: 1 })
    expect(await snapsOf('910000010')).toEqual(['drive', 'foot'])
    // the record again, now a privacy row at 0,0: it has no street any more
    const moved = await send(apd(apdRow('910000010', '0', '0')))
    expect(moved.json()).toMatchObject({ status: 'completed', duplicatesAcrossUploads: 1 })
    expect(await snapsOf('910000010')).toEqual([])
    // and back on the street: snapped again
    await send(apd(apdRow('910000010', '33.7591', '-84.3880')))
    expect(await snapsOf('910000010')).toEqual(['drive', 'foot'])
  })

  it('points a repeat at the rejects of the upload it repeats', async () => {
    const csv = apd(apdRow('910000020'), apdRow('910000021', '91.5'))
    const first = await send(csv)
    expect(first.json()).toMatchObject({ status: 'completed', rejected: 1 })
    const repeat = await send(csv)
    expect(repeat.json()).toMatchObject({ status: 'repeat', repeatOf: first.json().id })
    expect(repeat.json().rejectsUrl).toBe(first.json().rejectsUrl)
    const rejects = await app.inject(repeat.json().rejectsUrl)
    expect(rejects.body.trim().split('\n')).toHaveLength(2)
  })

  it('refuses a field sent after the file and keeps nothing of the upload', async () => {
    const before = await countIncidents()
    const boundary = '----patrolafter'
    const part = (name: string, value: string, filename?: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${
        filename ? `; filename="${filename}"` : ''
      }\r\n\r\n${value}\r\n`
    const payload =
      part('network', 'atlanta') +
      part('file', apd(apdRow('910000030')), 'late.csv') +
      part('dryRun', 'true') +
      `--${boundary}--\r\n`
    const res = await app.inject({
      method: 'POST',
      url: '/v1/incidents/uploads',
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json()).toMatchObject({ code: 'validation-failed', field: 'dryRun' })
    expect(await countIncidents()).toBe(before)
    const { rows } = await sql<{ status: string }>`
      select status from incident_upload where file_names = '["late.csv"]'::jsonb`.execute(
      handle.db,
    )
    expect(rows).toEqual([{ status: 'failed' }])
  })

  it('shows an upload abandoned by a dead process as failed, and closes it once', async () => {
    const running = async (id: string, beatAgoMs: number) => {
      await insertUpload(handle.db, {
        id,
        networkName: 'atlanta',
        dryRun: false,
        fileNames: ['x.csv'],
        idempotencyScope: null,
        idempotencyKey: null,
        at: new Date(Date.now() - beatAgoMs),
      })
      await refreshUploadHeartbeat(handle.db, id, new Date(Date.now() - beatAgoMs))
    }
    await running(`dead-${dialect}`, 2 * UPLOAD_STALE_MS)
    await running(`alive-${dialect}`, 1_000)
    const dead = await app.inject(`/v1/incidents/uploads/dead-${dialect}`)
    expect(dead.json()).toMatchObject({ status: 'failed', error: { code: 'abandoned' } })
    expect((await findUpload(handle.db, `dead-${dialect}`))!.status).toBe('failed')
    const alive = await app.inject(`/v1/incidents/uploads/alive-${dialect}`)
    expect(alive.json()).toMatchObject({ status: 'running', error: null })
    // a closed upload is not finished again: its late process learns it was given up
    await expect(
      finishUpload(handle.db, `dead-${dialect}`, { status: 'completed', at: new Date() }),
    ).rejects.toBeInstanceOf(UploadNotRunning)
    expect((await findUpload(handle.db, `dead-${dialect}`))!.error).toMatchObject({
      code: 'abandoned',
    })
  })
})
