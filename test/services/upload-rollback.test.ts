import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import { withBulkTransaction } from '../../src/db/bulk.js'
import { uploadIncidents } from '../../src/services/incident-upload.js'
import { seedAtlanta } from '../helpers/atlanta.js'
import { countRows, DIALECTS, openTestDatabase } from '../helpers/db.js'

/** What happened inside the upload's transaction, in order. */
const events = vi.hoisted(() => [] as string[])

vi.mock('../../src/db/bulk.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/db/bulk.js')>()
  return {
    ...real,
    withBulkTransaction: <T>(
      handle: Parameters<typeof real.withBulkTransaction>[0],
      fn: (tx: import('../../src/db/bulk.js').BulkTransaction) => Promise<T>,
    ) =>
      real.withBulkTransaction(handle, async (tx) => {
        try {
          return await fn({
            db: tx.db,
            // a slow disk: each write takes a while, so one is in flight when the ingest fails
            copyRows: async (...args) => {
              events.push('write-started')
              await new Promise((r) => setTimeout(r, 300))
              await tx.copyRows(...args)
              events.push('write-done')
            },
          })
        } catch (err) {
          events.push('rolling-back')
          throw err
        }
      }),
  }
})

const HEADER =
  'offense_id,rpt_date,occur_date,occur_day,occur_day_num,occur_time,poss_date,poss_time,beat,zone,location,ibr_code,UC2_Literal,neighborhood,npu,lat,long'
/** Rejected rows (latitude 91.5): enough for one database write (10,000 rows) before the end. */
const ROWS = Array.from(
  { length: 10_500 },
  (_, i) =>
    `${920000000 + i},1/5/2022,1/4/2022,Tuesday,3,21:10,,,511,5,1 MAIN ST,23F,LARCENY-FROM VEHICLE,Downtown,M,91.5,-84.3880`,
)

describe.each(DIALECTS)('%s: an upload that fails with a write in flight', (dialect) => {
  let handle: DbHandle
  let networks: Awaited<ReturnType<typeof seedAtlanta>>['networks']

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    ;({ networks } = await seedAtlanta(handle))
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('lets the pending write end before the transaction rolls back', async () => {
    events.length = 0
    // the connection drops after the rows were sent: the ingest fails on the next read
    async function* broken() {
      yield Buffer.from([HEADER, ...ROWS].join('\n') + '\n')
      await new Promise((r) => setTimeout(r, 20))
      throw new Error('socket hang up')
    }
    await expect(
      uploadIncidents(handle, networks, {
        networkName: 'atlanta',
        files: [{ name: 'broken.csv', open: broken }],
        dryRun: false,
        now: new Date('2022-11-01T00:00:00Z'),
      }),
    ).rejects.toMatchObject({ code: 'input-error' })
    expect(events).toContain('write-started')
    expect(events.at(-1)).toBe('rolling-back')
    expect(events.filter((e) => e === 'write-started')).toHaveLength(
      events.filter((e) => e === 'write-done').length,
    )
    expect(await countRows(handle.db, 'incident_reject')).toBe(0)
    const uploads = await handle.db.selectFrom('incident_upload').select('status').execute()
    expect(uploads).toEqual([{ status: 'failed' }])
  })
})

describe('withBulkTransaction on PostgreSQL', () => {
  /** Runs a load that throws through withBulkTransaction on a fake pool that hands out `client`. */
  async function failLoadOn(client: {
    query: (text: string) => Promise<unknown>
    release: () => void
  }) {
    const handle = {
      backend: { kind: 'postgres', pool: { connect: async () => client } },
    } as unknown as DbHandle
    await expect(
      withBulkTransaction(handle, async () => {
        throw new Error('the load failed')
      }),
    ).rejects.toThrow('the load failed')
  }

  it('drops the connection from the pool when the rollback fails', async () => {
    const lost = new Error('Connection terminated')
    const release = vi.fn()
    const client = {
      query: vi.fn(async (text: string) => {
        if (text === 'rollback') throw lost
        return { rows: [] }
      }),
      release,
    }
    await failLoadOn(client)
    expect(release).toHaveBeenCalledWith(lost)
  })

  it('returns a healthy connection to the pool', async () => {
    const release = vi.fn()
    await failLoadOn({ query: vi.fn(async () => ({ rows: [] })), release })
    expect(release).toHaveBeenCalledTimes(1)
    expect(release.mock.calls[0]?.[0]).toBeUndefined()
  })
})
