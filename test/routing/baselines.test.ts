import { describe, expect, it } from 'vitest'
import {
  planPatrol,
  planRatioGreedy,
  planTimeBlind,
  planTopKNearest,
} from '../../src/routing/index.js'
import { expectValidPlan } from './helpers/check-plan.js'
import { drawnRequest, randomRequest } from './helpers/requests.js'

describe('baselines', () => {
  it.each([1, 2, 3, 4])('are valid plans within the bound (grid %i)', async (seed) => {
    const { request } = randomRequest(seed, { hours: 3 })
    for (const plan of [planTopKNearest(request), await planRatioGreedy(request)]) {
      expectValidPlan(plan, request)
      expect(plan.totals.teleportBound).toBeGreaterThan(0)
    }
  })

  it('deals each hour top places round-robin and visits them nearest first', () => {
    const { streets, request } = drawnRequest(
      `
+--9--+--8--+-@-+--7--+--6--+
`,
      { units: [], dwellMinutes: 20 },
    )
    const start = streets.depot
    const twoCars = {
      ...request,
      units: [
        { id: 'a', mode: 'drive' as const, start },
        { id: 'b', mode: 'drive' as const, start },
      ],
    }
    // 2 units × 60 / 20 = 6 slots: a gets 9, 7 (ranks 1 and 3), b gets 8, 6
    const plan = planTopKNearest(twoCars)
    const prizeOf = (u: number) => plan.units[u].stops.map((s) => streets.prizes[s.place])
    expect(prizeOf(0)).toEqual([7, 9])
    expect(prizeOf(1)).toEqual([8, 6])
  })

  it('scores the time-blind plan with hourly prizes', async () => {
    const { request } = drawnRequest(
      `
+--9--+--1--+-@-+--1--+--1--+
`,
      { shiftHours: 3 },
    )
    const blind = await planTimeBlind(request, { iterations: 2000 })
    const aware = await planPatrol(request, { iterations: 2000 })
    expectValidPlan(blind, request)
    // one bucket pays the 9 once; hourly buckets pay it every hour
    expect(blind.units[0].stops.filter((s) => s.place === 0)).toHaveLength(1)
    expect(aware.units[0].stops.filter((s) => s.place === 0)).toHaveLength(3)
    expect(aware.totals.value).toBeGreaterThan(2 * blind.totals.value)
    // every stop, unit and total rescored by the hourly rule, none above the bound
    const units = blind.units.reduce((sum, u) => sum + u.value, 0)
    expect(units).toBeCloseTo(blind.totals.value, 9)
    expect(units).toBeLessThanOrEqual(blind.totals.teleportBound + 1e-9)
    const nine = blind.units[0].stops.find((s) => s.place === 0)
    expect(nine?.expectedCrimes).toBeCloseTo(9, 9)
    expect(nine?.reason).toContain('9.000 expected crimes')
    for (const stop of blind.units[0].stops)
      expect(stop.hour).toBe(Math.floor((stop.arriveMs - request.shiftStartMs) / 3_600_000))
  })
})
