import type { FastifyInstance } from 'fastify'
import type { KyselyPlugin, QueryId } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import type { NetworkCache } from '../../src/services/network-cache.js'
import { makePlan } from '../../src/services/plans.js'
import type { RiskService } from '../../src/services/risk.js'
import { buildTestApp, captureLogs } from '../helpers/app.js'
import { PLANNABLE_MARCH_2022, seedAtlanta } from '../helpers/atlanta.js'
import { countRows, DIALECTS, openTestDatabase } from '../helpers/db.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const HANDLER_TIMEOUT_MS = 1500

/** Holds back the answer of the welfare-referral query (run after the search) by `ms`. */
function slowReferrals(ms: number): KyselyPlugin {
  const slow = new Set<QueryId>()
  return {
    transformQuery(args) {
      const text = JSON.stringify(args.node)
      if (args.node.kind === 'SelectQueryNode' && text.includes('"welfare"')) slow.add(args.queryId)
      return args.node
    },
    async transformResult(args) {
      if (slow.delete(args.queryId)) await sleep(ms)
      return args.result
    },
  }
}

describe.each(DIALECTS)('%s: a plan request that times out', (dialect) => {
  let handle: DbHandle
  let app: FastifyInstance
  let networks: NetworkCache
  let risk: RiskService
  const logs = captureLogs()
  const body = {
    network: 'atlanta',
    shiftStart: '2022-03-04T15:00:00-05:00',
    shiftHours: 4,
    seed: 5,
    explorationShare: 0,
    units: [{ id: 'car-1', mode: 'drive', start: { station: 'apd-zone-5' } }],
  }

  beforeAll(async () => {
    handle = await openTestDatabase(dialect)
    ;({ networks, risk } = await seedAtlanta(handle, PLANNABLE_MARCH_2022))
    // graphs and risk context loaded before the request, so its clock starts at the search
    await makePlan(
      { db: handle.db, networks, risk },
      { ...body, shiftStart: new Date(body.shiftStart), units: [...body.units] as never },
    )
    app = await buildTestApp(
      { ...handle, db: handle.db.withPlugin(slowReferrals(HANDLER_TIMEOUT_MS + 1000)) },
      { HANDLER_TIMEOUT_MS: String(HANDLER_TIMEOUT_MS) },
      logs.stream,
      { networks, risk },
    )
  })
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('answers 503 timeout and stores no plan once the handler finishes', async () => {
    const before = await countRows(handle.db, 'patrol_plan')
    const res = await app.inject({ method: 'POST', url: '/v1/plans', payload: body })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ code: 'timeout' })
    // the handler runs on after the 503; Fastify logs when it ends (a result or an error to a sent reply)
    const ended = () => logs.lines.some((l) => /already sent|reply\.sent = true/.test(l))
    for (let i = 0; i < 200 && !ended(); i++) await sleep(50)
    expect(ended()).toBe(true)
    expect(await countRows(handle.db, 'patrol_plan')).toBe(before)
  })
})
