import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { countIncidentSnaps } from '../../src/db/incident-snaps.js'
import { findNetwork } from '../../src/db/networks.js'
import { findSnapshot } from '../../src/db/risk.js'
import { buildTestApp, captureLogs, multipart } from '../helpers/app.js'
import { DIALECTS, openTestDatabase } from '../helpers/db.js'

const ATLANTA = readFileSync('data/atlanta/central-atlanta-filtered.osm.pbf')
const DOWNTOWN = readFileSync('test/fixtures/network/atlanta-downtown.osm.pbf')
const COBRA_2022 = readFileSync('data/atlanta/COBRA-2022.csv.gz')
const AT = '2022-03-04T20:00:00-05:00'

describe.each(DIALECTS)('%s: a new version of a network', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  const logs = captureLogs()
  const importPbf = (name: string, content: Buffer, fields: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/networks',
      ...multipart({ name, ...fields }, { filename: 'city.osm.pbf', content }),
    })
  /** Every snap of a version as `mode incident segment distance`, sorted. */
  const snapsOf = async (networkId: number) => {
    const { rows } = await sql<{
      mode: string
      incident_id: number
      segment_id: string
      d: number
    }>`
      select mode, incident_id, segment_id, distance_m as d from incident_snap
      where network_id = ${networkId} order by mode, incident_id`.execute(handle.db)
    return rows.map((r) => `${r.mode} ${r.incident_id} ${r.segment_id} ${r.d}`)
  }

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    app = await buildTestApp(handle, {}, logs.stream)
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('snaps the name’s incidents to the new version and recomputes its risk snapshots', async () => {
    expect((await importPbf('atlanta', ATLANTA, { timezone: 'America/New_York' })).statusCode).toBe(
      201,
    )
    const upload = multipart(
      { network: 'atlanta' },
      { filename: 'COBRA-2022.csv.gz', content: COBRA_2022 },
    )
    const uploaded = await app.inject({ method: 'POST', url: '/v1/incidents/uploads', ...upload })
    expect(uploaded.json(), uploaded.body).toMatchObject({ status: 'completed' })
    const v1 = (await findNetwork(handle.db, 'atlanta', 1))!
    const before = await countIncidentSnaps(handle.db, v1.id)
    expect(before.drive).toBeGreaterThan(1000)
    expect(before.foot).toBeGreaterThan(1000)

    const res = await importPbf('atlanta', ATLANTA)
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ version: 2, timezone: 'America/New_York' })
    const v2 = (await findNetwork(handle.db, 'atlanta'))!
    expect(v2.version).toBe(2)
    // the same streets: the same snaps, by the upload's snapping code
    expect(await countIncidentSnaps(handle.db, v2.id)).toEqual(before)
    expect(await snapsOf(v2.id)).toEqual(await snapsOf(v1.id))
    const logged = logs.lines.map((l) => JSON.parse(l)).find((l) => l.version === 2)
    expect(logged).toMatchObject({ msg: 'network imported', resnapped: before })
    expect(logged.resnapMs).toBeGreaterThan(0)

    // risk reads the newest version's snaps; snapshots exist for plans and schedules
    const risk = await app.inject(`/v1/risk?network=atlanta&at=${encodeURIComponent(AT)}&limit=5`)
    expect(risk.statusCode).toBe(200)
    expect(risk.json()).toMatchObject({ version: 2, incidents: expect.any(Number) })
    expect(risk.json().features).toHaveLength(5)
    const old = await app.inject(
      `/v1/risk?network=atlanta&version=1&at=${encodeURIComponent(AT)}&limit=5`,
    )
    expect(risk.json().incidents).toBe(old.json().incidents)
    expect(risk.json().features.map((f: { id: string }) => f.id)).toEqual(
      old.json().features.map((f: { id: string }) => f.id),
    )
    const list = (await app.inject('/v1/risk/snapshots?network=atlanta')).json()
    expect(list.version).toBe(2)
    expect(
      list.snapshots.map((s: { mode: string; scheme: string }) => `${s.mode}/${s.scheme}`).sort(),
    ).toEqual(['drive/how', 'drive/shift', 'foot/how', 'foot/shift'])
    expect(list.snapshots[0].trigger).toBe('import atlanta version 2')
    expect(
      await findSnapshot(handle.db, { networkId: v2.id, mode: 'drive', scheme: 'how' }),
    ).toBeDefined()
  })

  it('numbers concurrent imports of one name n+1 and n+2', async () => {
    expect((await importPbf('downtown', DOWNTOWN)).json().version).toBe(1)
    const results = await Promise.all([
      importPbf('downtown', DOWNTOWN),
      importPbf('downtown', DOWNTOWN),
    ])
    expect(results.map((r) => r.statusCode)).toEqual([201, 201])
    expect(results.map((r) => r.json().version).sort()).toEqual([2, 3])
  })
})
