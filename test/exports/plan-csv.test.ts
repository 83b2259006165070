import { describe, expect, it } from 'vitest'
import { planToCsv, type PlanDocument } from '../../src/exports/index.js'

describe('planToCsv', () => {
  it('writes a visit just after local midnight as 00:30, not 24:30', () => {
    const stop = {
      seq: 1,
      segmentId: 'w1:1-2',
      street: 'Main St',
      position: [-84.39, 33.76],
      // 05:30 and 05:42 UTC are 00:30 and 00:42 in New York (EST)
      arrive: '2022-03-05T05:30:00.000Z',
      leave: '2022-03-05T05:42:00.000Z',
      dwellMinutes: 12,
      expectedCrimes: 0.1,
      kind: 'prize',
      reason: 'synthetic',
    }
    const plan = {
      timezone: 'America/New_York',
      units: [{ id: 'car-1', mode: 'drive', stops: [stop] }],
    } as unknown as PlanDocument
    const [, row] = planToCsv(plan).trim().split('\n')
    expect(row!.split(',').slice(0, 5)).toEqual(['car-1', 'drive', '1', '00:30', '00:42'])
  })
})
