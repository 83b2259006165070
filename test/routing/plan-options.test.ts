import { describe, expect, it } from 'vitest'
import { planPatrol } from '../../src/routing/index.js'
import { expectValidPlan } from './helpers/check-plan.js'
import { drawnRequest, randomRequest } from './helpers/requests.js'

describe('planPatrol options', () => {
  it('rejects with the reason when aborted before it starts', async () => {
    const { request } = randomRequest(1)
    const controller = new AbortController()
    controller.abort(new Error('client went away'))
    await expect(planPatrol(request, { signal: controller.signal })).rejects.toThrow(
      'client went away',
    )
  })

  it('returns its best plan so far when aborted while searching', async () => {
    const { request } = randomRequest(1)
    const controller = new AbortController()
    setImmediate(() => controller.abort())
    const plan = await planPatrol(request, { signal: controller.signal, iterations: 1e9 })
    expectValidPlan(plan, request)
    expect(plan.search.stoppedBy).toBe('aborted')
    expect(plan.search.iterations).toBeLessThan(1e9)
    expect(plan.warnings.map((w) => w.code)).toContain('aborted')
  })

  it('shortens the search to its budget and says so', async () => {
    const { request } = randomRequest(2)
    let clock = 0
    // a clock that runs 50 ms per look: the budget is gone after a few slices
    const now = () => (clock += 50)
    const plan = await planPatrol(request, { now, budgetMs: 1000, iterations: 1e7 })
    expectValidPlan(plan, request)
    expect(plan.search.stoppedBy).toBe('deadline')
    expect(plan.search.iterations).toBeLessThan(1e7)
    expect(plan.warnings.map((w) => w.code)).toContain('deadline-reached')
  })

  it('warns when no place is worth a stop', async () => {
    const { request } = drawnRequest(`
+-----+--@--+
`)
    const plan = await planPatrol(request, { iterations: 100 })
    expect(plan.units[0].stops).toEqual([])
    expect(plan.warnings.map((w) => w.code)).toEqual(['nothing-worth-visiting'])
    expectValidPlan(plan, request)
  })

  it('warns about a unit that cannot return and still plans the others', async () => {
    // the end lies on a street piece the depot cannot reach
    const { request, streets } = drawnRequest(`
+-9-+-@-+   +-5-+
`)
    const far = { segment: 2, offsetM: 10 }
    const units = [
      { id: 'lost', mode: 'drive' as const, start: streets.depot, end: far },
      { id: 'car', mode: 'drive' as const, start: streets.depot },
    ]
    const plan = await planPatrol({ ...request, units }, { iterations: 500 })
    expect(plan.units[0].stops).toEqual([])
    expect(plan.units[1].stops.map((s) => s.segment)).toContain(0)
    expect(plan.warnings.map((w) => [w.code, w.unitId])).toEqual([['cannot-return', 'lost']])
  })
})
