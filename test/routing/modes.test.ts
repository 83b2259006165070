import { describe, expect, it } from 'vitest'
import { buildStreetGraph, type StreetSegment } from '../../src/network/index.js'
import { planGraphOf, planPatrol, placesByWay } from '../../src/routing/index.js'
import { expectValidPlan } from './helpers/check-plan.js'
import { drawnRequest } from './helpers/requests.js'

/** A street along the equator through the given longitudes (hundredths of a degree). */
const street = (
  id: string,
  wayId: number,
  from: number,
  to: number,
  xs: number[],
): StreetSegment => ({
  id,
  wayId,
  highway: 'residential',
  name: null,
  lengthM: (xs[xs.length - 1] - xs[0]) * 1000,
  speedKmh: 25,
  oneway: false,
  fromNodeId: from,
  toNodeId: to,
  geometry: xs.map((x) => [x / 100, 0] as const),
})

describe('units of two modes', () => {
  it('maps foot segments onto the drive places of their way', () => {
    const drive = [street('d0', 1, 1, 2, [0, 1, 2]), street('d1', 1, 2, 3, [2, 3, 4])]
    // the foot network splits way 1 where a footway crosses it (x = 1) and adds the footway
    const foot = [
      street('f0', 1, 1, 9, [0, 1]),
      street('f1', 1, 9, 2, [1, 2]),
      street('f2', 1, 2, 3, [2, 3, 4]),
      street('f3', 7, 9, 8, [1, 1.5]),
    ]
    expect(Array.from(placesByWay(drive, foot))).toEqual([0, 0, 1, -1])
  })

  it('shares each place-hour between a car and an officer on foot', async () => {
    const { streets, request } = drawnRequest(
      `
+--9--+-@-+--5--+
`,
      { shiftHours: 2, minRevisitMinutes: 0 },
    )
    const foot = planGraphOf(
      buildStreetGraph(streets.segments.map((s) => ({ ...s, speedKmh: 5 }))),
      'foot',
    )
    const mixed = {
      ...request,
      graphs: { ...request.graphs, foot },
      units: [request.units[0], { id: 'walker', mode: 'foot' as const, start: streets.depot }],
    }
    const plan = await planPatrol(mixed, { iterations: 5000 })
    expectValidPlan(plan, mixed)
    expect(plan.units[1].mode).toBe('foot')
    expect(plan.units[1].stops.length).toBeGreaterThan(0)
    // 2 places × 2 hours: nothing more to collect, however the units split it
    expect(plan.totals.value).toBeCloseTo(2 * (9 + 5), 6)
    expect(plan.totals.teleportBound).toBeCloseTo(2 * (9 + 5), 9)
  })
})
