import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ingestAll, FIXTURES } from './helpers.js'

// the full VPD files live outside the repository (shared/data); the sample below is cut from 2020
const VANCOUVER_DIR = resolve(
  process.env.VANCOUVER_DATA_DIR ??
    join(import.meta.dirname, '../../../shared/data/vancouver-crime'),
)
if (!existsSync(VANCOUVER_DIR))
  console.warn(`skipping the full VPD files: ${VANCOUVER_DIR} is missing (set VANCOUVER_DATA_DIR)`)

/** rowsRead = accepted (VPD rows break no rule), withoutLocation, of which X = Y = 0, DST counts. */
const FILES: ReadonlyArray<
  readonly [
    year: number,
    rows: number,
    noLocation: number,
    zero: number,
    gap: number,
    overlap: number,
    first: string,
    last: string,
  ]
> = [
  [2020, 37_511, 3_759, 3_758, 2, 7, '2020-01-01T08:00:00Z', '2021-01-01T07:55:00Z'],
  [2021, 32_201, 3_804, 3_804, 0, 1, '2021-01-01T08:00:00Z', '2022-01-01T07:55:00Z'],
  [2022, 34_323, 3_945, 3_944, 0, 5, '2022-01-01T08:00:00Z', '2023-01-01T07:46:00Z'],
  [2023, 36_716, 4_070, 4_070, 4, 6, '2023-01-01T08:00:00Z', '2024-01-01T07:01:00Z'],
  [2024, 33_771, 3_779, 3_769, 0, 3, '2024-01-01T08:00:00Z', '2025-01-01T07:44:00Z'],
  [2025, 32_411, 3_148, 3_148, 1, 6, '2025-01-01T08:00:00Z', '2026-01-01T07:30:00Z'],
  [2026, 3_116, 268, 268, 0, 0, '2026-01-01T08:00:00Z', '2026-02-07T01:17:00Z'],
]

describe.skipIf(!existsSync(VANCOUVER_DIR))('Vancouver VPD files (real, shared/data)', () => {
  it.each(FILES)(
    '%i parses to its known counts',
    async (year, rows, noLocation, zero, gap, overlap, first, last) => {
      const file = join(VANCOUVER_DIR, `crimedata_csv_AllNeighbourhoods_${year}.csv.gz`)
      const { summary, error } = await ingestAll(file)
      expect(error).toBeUndefined()
      expect(summary).toMatchObject({
        status: 'complete',
        profile: 'vpd',
        rowsRead: rows,
        accepted: rows,
        rejected: 0,
        duplicates: 0,
        withoutLocation: noLocation,
        withoutLocationZero: zero,
        dstGapShifted: gap,
        dstAmbiguous: overlap,
        occurredFromMinMs: Date.parse(first),
        occurredFromMaxMs: Date.parse(last),
        unmapped: [],
      })
    },
  )
})

describe('VPD sample (27 real rows of 2020)', () => {
  it('projects UTM 10N metres to Vancouver and keeps privacy rows without location', async () => {
    const { incidents, summary } = await ingestAll(join(FIXTURES, 'vpd-2020-sample.csv'))
    expect(summary).toMatchObject({
      profile: 'vpd',
      accepted: 27,
      withoutLocation: 7,
      withoutLocationZero: 6,
    })
    const hornby = incidents.find((i) => i.address === '5XX HORNBY ST')!
    // X 491,399 m is 8.6 km west of zone 10's central meridian −123°: −123 − 8,601 / (111,320 · cos 49.28°)
    expect(hornby.lon).toBeCloseTo(
      -123 - 8600.5457 / (111_320 * Math.cos((49.2838 * Math.PI) / 180)),
      3,
    )
    // northing 5,459,147 m is about 49.28° N (exact projection checks: location.test.ts)
    expect(Math.abs(hornby.lat! - 49.28)).toBeLessThan(0.01)
    for (const i of incidents.filter((i) => i.lon !== null)) {
      expect(i.lon).toBeGreaterThan(-123.23)
      expect(i.lon).toBeLessThan(-123.02)
      expect(i.lat).toBeGreaterThan(49.19)
      expect(i.lat).toBeLessThan(49.32)
    }
    expect(incidents.every((i) => i.sourceId === null && i.reportedAtMs === null)).toBe(true)
  })

  it('moves 02:xx on the spring-forward day to 03:xx and takes the first 01:xx in the fall', async () => {
    const { incidents, summary } = await ingestAll(join(FIXTURES, 'vpd-2020-sample.csv'))
    expect(summary).toMatchObject({ dstGapShifted: 2, dstAmbiguous: 5 })
    const hornby = incidents.find((i) => i.address === '5XX HORNBY ST')!
    // 2020-03-08 02:56 does not exist in Vancouver: read as 03:56 PDT
    expect(hornby.occurredFromMs).toBe(Date.parse('2020-03-08T03:56:00-07:00'))
    const melville = incidents.find((i) => i.address === '12XX MELVILLE ST')!
    // 2020-11-01 01:00 happens twice: the earlier (PDT) instant is taken
    expect(melville.occurredFromMs).toBe(Date.parse('2020-11-01T01:00:00-07:00'))
  })
})
