import { describe, expect, it } from 'vitest'
import { planPatrol } from '../../src/routing/index.js'
import { drawStops } from './helpers/ascii-streets.js'
import { expectValidPlan } from './helpers/check-plan.js'
import { drawnRequest } from './helpers/requests.js'

const RING = `
+->-9->-+->-7->-+
|               |
@               v
|               |
+-<-3-<-+-<-5-<-+
`

describe('planPatrol', () => {
  it('dwells on the prized streets of a one-way ring in driving order', async () => {
    const { streets, request } = drawnRequest(RING)
    const plan = await planPatrol(request, { iterations: 4000 })
    expectValidPlan(plan, request)
    expect(drawStops(streets, plan)).toBe(
      `
+->-a->-+->-b->-+
|               |
@               v
|               |
+-<-d-<-+-<-c-<-+
`.trim(),
    )
    expect(plan.totals.value).toBeCloseTo(9 + 7 + 5 + 3, 9)
  })

  it('is checked for arrivals and a return sooner than the way there takes', async () => {
    const { request } = drawnRequest(RING)
    const plan = await planPatrol(request, { iterations: 4000 })
    expectValidPlan(plan, request)
    const unit = plan.units[0]
    const i = unit.stops.findIndex((s) => s.approach.length > 0)
    expect(i).toBeGreaterThanOrEqual(0)
    const freeMs = i === 0 ? plan.shiftStartMs : unit.stops[i - 1].leaveMs
    const shift = unit.stops[i].arriveMs - freeMs
    const teleported = unit.stops.map((s, k) =>
      k === i ? { ...s, arriveMs: s.arriveMs - shift, leaveMs: s.leaveMs - shift } : s,
    )
    const early = { ...plan, units: [{ ...unit, stops: teleported }] }
    expect(() => expectValidPlan(early, request)).toThrow(/stop \d+: arrives after its approach/)
    expect(unit.returnPath.length).toBeGreaterThan(0)
    const lastLeaveMs = unit.stops[unit.stops.length - 1].leaveMs
    const backAtOnce = { ...plan, units: [{ ...unit, returnMs: lastLeaveMs }] }
    expect(() => expectValidPlan(backAtOnce, request)).toThrow(/returns after the way back/)
  })

  it('never dwells on a suppressed place', async () => {
    const { streets, request } = drawnRequest(RING, { suppress: [streets9(RING)] })
    const plan = await planPatrol(request, { iterations: 4000 })
    expectValidPlan(plan, request)
    expect(drawStops(streets, plan)).toBe(
      `
+->-9->-+->-a->-+
|               |
@               v
|               |
+-<-c-<-+-<-b-<-+
`.trim(),
    )
  })

  it('visits an included place that has no prize', async () => {
    const unprized = drawnRequest(RING).streets.prizes.indexOf(0)
    const { request } = drawnRequest(RING, { include: [unprized] })
    const plan = await planPatrol(request, { iterations: 4000 })
    expectValidPlan(plan, request)
    const stop = plan.units[0].stops.find((s) => s.place === unprized)
    expect(stop?.kind).toBe('include')
    expect(stop?.reason).toMatch(/requested by the supervisor/)
  })

  it('returns to the hottest street every hour', async () => {
    const { streets, request } = drawnRequest(RING, { shiftHours: 3 })
    const plan = await planPatrol(request, { iterations: 20_000 })
    expectValidPlan(plan, request)
    const nine = streets9(RING)
    const hours = plan.units[0].stops.filter((s) => s.place === nine).map((s) => s.hour)
    expect(hours.sort()).toEqual([0, 1, 2])
    expect(streets.prizes[nine]).toBe(9)
  })
})

function streets9(drawing: string): number {
  return drawnRequest(drawing).streets.prizes.indexOf(9)
}
