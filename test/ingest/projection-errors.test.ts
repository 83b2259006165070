import { describe, expect, it, vi } from 'vitest'
import { csv, ingestAll } from './helpers.js'

/** The x at which the mocked projection throws, as proj4 does for input it cannot take. */
const THROWING_X = 491111.5

vi.mock('proj4', async (importOriginal) => {
  type Converter = { forward(point: number[]): number[] }
  const real = (await importOriginal<{ default: unknown }>()).default as (
    from: string,
    to: string,
  ) => Converter
  return {
    default: (from: string, to: string): Converter => {
      const converter = real(from, to)
      return {
        forward: (point) => {
          if (point[0] === THROWING_X) throw new Error('coordinates must be finite numbers')
          return converter.forward(point)
        },
      }
    },
  }
})

describe('a projection that throws', () => {
  it('rejects the row as coord.out-of-range instead of failing the upload', async () => {
    const header = 'TYPE,YEAR,MONTH,DAY,HOUR,MINUTE,HUNDRED_BLOCK,NEIGHBOURHOOD,X,Y'
    const row = (x: number) =>
      `Theft from Vehicle,2020,3,1,12,0,1XX MAIN ST,Central Business District,${x},5459146.99`
    const outcome = await ingestAll(csv(`${[header, row(THROWING_X), row(491000.5)].join('\n')}\n`))
    expect(outcome.error).toBeUndefined()
    expect(outcome.rejects.map((r) => [r.line, r.rule])).toEqual([[2, 'coord.out-of-range']])
    expect(outcome.summary).toMatchObject({ status: 'complete', rowsRead: 2, accepted: 1 })
  })
})
