import { describe, expect, it } from 'vitest'
import { planPatrol } from '../../src/routing/index.js'
import { drawnRequest } from './helpers/requests.js'

const STREET = `
+--9--+--@--+
`

describe('planPatrol misuse', () => {
  const { request } = drawnRequest(STREET)

  it.each([
    [{ shiftHours: 0 }, /shiftHours must be in \(0, 24\], got 0/],
    [{ units: [] }, /at least one unit/],
    [{ prizes: [] }, /prizes has 0 hourly rows but the shift has 1 hours/],
    [
      { shiftHours: 2, prizes: [Float64Array.of(1, 2), Float64Array.of(1)] },
      /prizes\[1\] has 1 places, prizes\[0\] 2/,
    ],
    [
      { prizes: [Float64Array.of(1)] },
      /maps a segment to a place >= 1 - build placeOf over the same places/,
    ],
    [{ prizes: [Float64Array.of(1, -1)] }, /prizes\[0\]\[1\] is -1/],
    [{ dwellMinutes: 0 }, /dwellMinutes must be 1-60/],
    [{ explorationShare: 0.9 }, /explorationShare must be 0-0.5/],
    [{ seed: 1.5 }, /seed must be an integer/],
    [{ include: [0], suppress: [0] }, /both included and suppressed/],
    [{ include: [7] }, /Place 7 in include\/suppress is not one of the 2 places/],
  ])('throws for %o', async (overrides, message) => {
    await expect(planPatrol({ ...request, ...overrides })).rejects.toThrow(message)
  })

  it('throws for a unit whose mode has no graph', async () => {
    const units = [{ id: 'walker', mode: 'foot' as const, start: request.units[0].start }]
    await expect(planPatrol({ ...request, units })).rejects.toThrow(
      /Unit "walker" is foot but the request has no foot graph/,
    )
  })

  it('throws for a start off its segment', async () => {
    const units = [{ id: 'car', mode: 'drive' as const, start: { segment: 1, offsetM: 999 } }]
    await expect(planPatrol({ ...request, units })).rejects.toThrow(
      /offset 999 m is outside segment 1/,
    )
  })

  it('throws for two units with one id', async () => {
    await expect(
      planPatrol({ ...request, units: [request.units[0], request.units[0]] }),
    ).rejects.toThrow(/Unit id "car" appears twice/)
  })
})
