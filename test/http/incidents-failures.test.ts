import { createReadStream } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { countIncidentSnaps } from '../../src/db/incident-snaps.js'
import { findNetwork } from '../../src/db/networks.js'
import { findUpload, insertUpload } from '../../src/db/uploads.js'
import {
  isStaleUpload,
  UPLOAD_HEARTBEAT_MS,
  UPLOAD_STALE_MS,
} from '../../src/services/incident-upload.js'
import { importNetworkFile } from '../../src/services/network-import.js'
import { buildTestApp, captureLogs, multipart } from '../helpers/app.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

/** Hooks the tests set to step into the upload at a chosen point (undefined: the real code only). */
const hooks = vi.hoisted(() => ({
  /** After the Idempotency-Key look-up, before the upload is recorded. */
  afterKeyLookup: undefined as (() => Promise<void>) | undefined,
  /** Inside the upload's transaction, before its staged rows are merged (given the transaction). */
  beforeMerge: undefined as
    ((tx: { db: import('kysely').Kysely<never> }) => Promise<void>) | undefined,
  /** Inside a version import's transaction, just after the version row (and its lock) are taken. */
  afterVersionInsert: undefined as (() => Promise<void>) | undefined,
  /** When the per-file summaries are combined. */
  combine: undefined as (() => void) | undefined,
}))

vi.mock('../../src/db/uploads.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/db/uploads.js')>()
  return {
    ...real,
    findUploadByKey: async (...args: Parameters<typeof real.findUploadByKey>) => {
      const found = await real.findUploadByKey(...args)
      await hooks.afterKeyLookup?.()
      return found
    },
  }
})
vi.mock('../../src/db/incidents.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/db/incidents.js')>()
  return {
    ...real,
    mergeStagedIncidents: async (...args: Parameters<typeof real.mergeStagedIncidents>) => {
      await hooks.beforeMerge?.(args[0] as never)
      return real.mergeStagedIncidents(...args)
    },
  }
})
vi.mock('../../src/db/networks.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/db/networks.js')>()
  return {
    ...real,
    insertNetworkVersion: async (...args: Parameters<typeof real.insertNetworkVersion>) => {
      const version = await real.insertNetworkVersion(...args)
      await hooks.afterVersionInsert?.()
      return version
    },
  }
})
vi.mock('../../src/services/upload-summary.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/services/upload-summary.js')>()
  return {
    ...real,
    combineSummaries: (...args: Parameters<typeof real.combineSummaries>) => {
      hooks.combine?.()
      return real.combineSummaries(...args)
    },
  }
})

const CSV = [
  'offense_id,rpt_date,occur_date,occur_day,occur_day_num,occur_time,poss_date,poss_time,beat,zone,location,ibr_code,UC2_Literal,neighborhood,npu,lat,long',
  '900000001,1/5/2022,1/4/2022,Tuesday,3,21:10,1/4/2022,21:30,511,5,100 PEACHTREE ST NW,23F,LARCENY-FROM VEHICLE,Downtown,M,33.7590,-84.3880',
].join('\n')

describe.each(DIALECTS)('%s: incident upload failures over HTTP', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  const logs = captureLogs()
  const send = (
    fields: Record<string, string>,
    headers: Record<string, string> = {},
    csv = CSV,
  ) => {
    const body = multipart(fields, { filename: 'hand-written.csv', content: Buffer.from(csv) })
    return app.inject({
      method: 'POST',
      url: '/v1/incidents/uploads',
      payload: body.payload,
      headers: { ...body.headers, ...headers },
    })
  }
  const uploadRows = () =>
    handle.db
      .selectFrom('incident_upload')
      .select(['id', 'status', 'idempotency_key', 'created_at', 'heartbeat_at'])
      .execute()

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    await seedAtlanta(handle, { timezone: false })
    app = await buildTestApp(handle, {}, logs.stream)
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('answers 409 when a concurrent request takes the same key between look-up and insert', async () => {
    hooks.afterKeyLookup = async () => {
      hooks.afterKeyLookup = undefined
      // the other request records its upload just after ours found the key free
      await insertUpload(handle.db, {
        id: `racer-${dialect}`,
        networkName: 'atlanta',
        dryRun: true,
        fileNames: ['hand-written.csv'],
        idempotencyScope: 'demo',
        idempotencyKey: 'race',
        at: new Date(),
      })
    }
    const res = await send({ network: 'atlanta', dryRun: 'true' }, { 'idempotency-key': 'race' })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('upload-in-progress')
    expect((await uploadRows()).filter((u) => u.idempotency_key === 'race')).toHaveLength(1)
  })

  it('answers a bug inside the upload with a logged 500, not a client error', async () => {
    hooks.combine = () => {
      hooks.combine = undefined
      throw new TypeError("Cannot read properties of undefined (reading 'rowsRead')")
    }
    logs.lines.length = 0
    const before = new Set((await uploadRows()).map((u) => u.id))
    const res = await send({ network: 'atlanta', dryRun: 'true' })
    expect(res.statusCode).toBe(500)
    expect(res.json().code).toBe('internal-error')
    expect(res.json().detail).not.toMatch(/rowsRead/)
    expect(logs.lines.some((l) => /unhandled error/.test(l) && /rowsRead/.test(l))).toBe(true)
    // the upload is closed as failed, not left running
    const added = (await uploadRows()).filter((u) => !before.has(u.id))
    expect(added.map((u) => u.status)).toEqual(['failed'])
  })

  it('never takes an upload this process is running for abandoned, whatever its heartbeat', async () => {
    let judged: boolean | undefined
    hooks.beforeMerge = async (tx) => {
      hooks.beforeMerge = undefined
      // read inside the upload's own transaction (on PGlite nothing else can read meanwhile)
      const row = await tx.db
        .selectFrom('incident_upload' as never)
        .select('id' as never)
        .where('status' as never, '=', 'running' as never)
        .where('id' as never, 'not like', 'racer%' as never)
        .executeTakeFirstOrThrow()
      const record = (await findUpload(tx.db as never, (row as { id: string }).id))!
      judged = isStaleUpload(record, new Date(record.heartbeatAt.getTime() + 10 * UPLOAD_STALE_MS))
    }
    const other = CSV.replace('900000001', '900000003')
    const res = await send({ network: 'atlanta' }, {}, other)
    expect(res.statusCode, res.body).toBe(201)
    expect(judged).toBe(false)
  })

  // PostgreSQL: on PGlite the import's open transaction holds the one connection anyway
  it.skipIf(dialect === 'pglite')(
    'makes an upload wait for a version import in progress, but not a dry run',
    async () => {
      let release!: () => void
      const gate = new Promise<void>((r) => (release = r))
      let paused!: () => void
      const importPaused = new Promise<void>((r) => (paused = r))
      hooks.afterVersionInsert = async () => {
        hooks.afterVersionInsert = undefined
        paused()
        await gate
      }
      const imported = importNetworkFile(
        handle,
        createReadStream('test/fixtures/network/atlanta-downtown.osm.pbf'),
        { name: 'atlanta', sourceName: 'downtown' },
      )
      await importPaused
      let settled = false
      const upload = send(
        { network: 'atlanta' },
        {},
        CSV.replace('900000001', '900000004'),
      ).finally(() => (settled = true))
      // a dry run writes no incidents: it does not wait
      const dry = await send(
        { network: 'atlanta', dryRun: 'true' },
        {},
        CSV.replace('900000001', '900000005'),
      )
      expect(dry.statusCode, dry.body).toBe(201)
      await new Promise((r) => setTimeout(r, 1500))
      expect(settled).toBe(false)
      release()
      const version = await imported
      const res = await upload
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json()).toMatchObject({ status: 'completed', inserted: 1 })
      // the incident is on the version that committed while the upload waited
      const latest = (await findNetwork(handle.db, 'atlanta'))!
      expect(latest.id).toBe(version.network.id)
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from incident_snap s join incident i on i.id = s.incident_id
        where s.network_id = ${latest.id} and i.source_id = '900000004'`.execute(handle.db)
      expect(rows[0]!.n).toBe(2)
    },
  )

  // PGlite: a query outside the upload's transaction waits for it, so nothing can judge it meanwhile
  it.skipIf(dialect === 'pglite')('refreshes the heartbeat of a running upload', async () => {
    let seen: { created_at: Date; heartbeat_at: Date } | undefined
    hooks.beforeMerge = async () => {
      hooks.beforeMerge = undefined
      await new Promise((r) => setTimeout(r, UPLOAD_HEARTBEAT_MS * 2.5))
      seen = (await uploadRows()).find((u) => u.status === 'running' && !u.id.startsWith('racer'))
    }
    const res = await send({ network: 'atlanta' })
    expect(res.statusCode).toBe(201)
    expect(seen).toBeDefined()
    const beatAfterMs = seen!.heartbeat_at.getTime() - seen!.created_at.getTime()
    expect(beatAfterMs).toBeGreaterThanOrEqual(UPLOAD_HEARTBEAT_MS)
  })

  it('snaps onto the version a concurrent import made, not the one it looked up', async () => {
    const v1 = (await findNetwork(handle.db, 'atlanta'))!
    const v1Snaps = await countIncidentSnaps(handle.db, v1.id)
    hooks.afterKeyLookup = async () => {
      hooks.afterKeyLookup = undefined
      // a new version lands after the upload found v1 and before it loads v1's graphs
      await importNetworkFile(
        handle,
        createReadStream('test/fixtures/network/atlanta-downtown.osm.pbf'),
        { name: 'atlanta', sourceName: 'downtown' },
      )
    }
    const other = CSV.replace('900000001', '900000002') // not a repeat of an earlier test's upload
    const res = await send({ network: 'atlanta' }, { 'idempotency-key': 'moved' }, other)
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ status: 'completed', inserted: 1 })
    const v2 = (await findNetwork(handle.db, 'atlanta'))!
    expect(v2.version).toBe(v1.version + 1)
    // the new incident is snapped onto v2 in both modes; v1 keeps only what it had
    const v2Snaps = await countIncidentSnaps(handle.db, v2.id)
    expect(v2Snaps.drive).toBe(v1Snaps.drive + 1)
    expect(v2Snaps.foot).toBe(v1Snaps.foot + 1)
    expect(await countIncidentSnaps(handle.db, v1.id)).toEqual(v1Snaps)
  })
})
