import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { IngestSummary } from '../../src/ingest/index.js'
import { ATLANTA_BBOX, ATLANTA_DIR, ingestAll, type Outcome } from './helpers.js'

/** Whole-city counts of the five real APD files (no bbox): what the README quotes. */
const WHOLE_CITY: Readonly<Record<string, Partial<IngestSummary>>> = {
  'COBRA-2019': {
    profile: 'apd-cobra-2019',
    rowsRead: 16_099,
    accepted: 16_098,
    rejected: 1,
    rejectedByRule: { 'date.invalid': 1 },
    duplicates: 0,
    withoutLocation: 0,
    windowClampedToReport: 141,
    dstGapShifted: 1,
    dstAmbiguous: 0,
    occurredFromMinMs: Date.parse('2011-01-07T17:00:00Z'),
    occurredFromMaxMs: Date.parse('2019-08-29T11:01:00Z'),
  },
  'COBRA-2020-Old': {
    profile: 'apd-cobra-2020-old',
    rowsRead: 14_831,
    accepted: 14_829,
    rejected: 1,
    rejectedByRule: { 'date.before-floor': 1 },
    duplicates: 1,
    withoutLocation: 71,
    withoutLocationZero: 71,
    windowClampedToReport: 134,
    dstGapShifted: 2,
    dstAmbiguous: 0,
    occurredFromMinMs: Date.parse('2010-05-30T22:00:00Z'),
    occurredFromMaxMs: Date.parse('2020-09-30T08:00:00Z'),
  },
  'COBRA-2020': {
    profile: 'apd-cobra-2020',
    bom: true,
    rowsRead: 7_249,
    accepted: 7_155,
    rejected: 90,
    rejectedByRule: {
      'date.window-inverted': 72,
      required: 6,
      'date.after-report': 6,
      'date.before-floor': 6,
    },
    duplicates: 4,
    withoutLocation: 0,
    windowClampedToReport: 16,
    dstGapShifted: 0,
    dstAmbiguous: 11,
    occurredFromMinMs: Date.parse('2012-12-12T21:00:00Z'),
    occurredFromMaxMs: Date.parse('2021-01-01T01:38:00Z'),
  },
  'COBRA-2021': {
    profile: 'apd-cobra-2020',
    bom: false,
    rowsRead: 21_397,
    accepted: 21_219,
    rejected: 171,
    rejectedByRule: {
      'date.window-inverted': 150,
      required: 12,
      'date.after-report': 6,
      'date.before-floor': 2,
      'date.future': 1,
    },
    duplicates: 7,
    withoutLocation: 0,
    windowClampedToReport: 63,
    dstGapShifted: 0,
    dstAmbiguous: 8,
    occurredFromMinMs: Date.parse('2001-07-12T04:01:00Z'),
    occurredFromMaxMs: Date.parse('2021-12-30T07:59:00Z'),
  },
  'COBRA-2022': {
    profile: 'apd-cobra-2020',
    rowsRead: 17_977,
    accepted: 17_819,
    rejected: 156,
    rejectedByRule: {
      'date.after-report': 16,
      'date.window-inverted': 130,
      required: 9,
      'date.before-floor': 1,
    },
    duplicates: 2,
    withoutLocation: 0,
    windowClampedToReport: 48,
    dstGapShifted: 0,
    dstAmbiguous: 0,
    occurredFromMinMs: Date.parse('2011-05-16T23:30:00Z'),
    occurredFromMaxMs: Date.parse('2022-10-24T15:10:00Z'),
  },
}

/** Accepted rows inside the network bbox (margin 0); PROVENANCE.md counts 5,846 / 5,504 / 2,943 / 8,286 / 7,040 rows there before any rule. */
const IN_NETWORK_BBOX: Readonly<Record<string, Partial<IngestSummary>>> = {
  'COBRA-2019': {
    accepted: 5_846,
    rejectedByRule: { 'coord.outside-area': 10_252, 'date.invalid': 1 },
  },
  'COBRA-2020-Old': {
    accepted: 5_574,
    withoutLocation: 71,
    rejectedByRule: { 'coord.outside-area': 9_256, 'date.before-floor': 1 },
  },
  'COBRA-2020': { accepted: 2_906, duplicates: 4 },
  'COBRA-2021': { accepted: 8_217, duplicates: 2 },
  'COBRA-2022': { accepted: 6_984, duplicates: 0 },
}

const runs = new Map<string, Outcome>()

beforeAll(async () => {
  for (const name of Object.keys(WHOLE_CITY)) {
    runs.set(name, await ingestAll(join(ATLANTA_DIR, `${name}.csv.gz`)))
  }
})

describe('Atlanta COBRA files (real)', () => {
  it.each(Object.entries(WHOLE_CITY))('%s parses to its known counts', (name, expected) => {
    const { summary, error, incidents } = runs.get(name)!
    expect(error).toBeUndefined()
    expect(summary).toMatchObject({
      status: 'complete',
      compressed: true,
      encoding: 'utf-8',
      unmapped: [],
    })
    expect(summary).toMatchObject(expected)
    expect(summary.accepted + summary.rejected + summary.duplicates).toBe(summary.rowsRead)
    expect(incidents).toHaveLength(summary.accepted)
  })

  it.each(Object.entries(IN_NETWORK_BBOX))(
    '%s keeps its known rows inside the network bbox',
    async (name, expected) => {
      const { summary } = await ingestAll(join(ATLANTA_DIR, `${name}.csv.gz`), {
        bbox: ATLANTA_BBOX,
        bboxMarginM: 0,
      })
      expect(summary).toMatchObject(expected)
    },
  )

  it('reads lat and long by name although 2020 has long,lat and 2021 lat,long', () => {
    for (const name of ['COBRA-2020', 'COBRA-2021', 'COBRA-2022']) {
      for (const incident of runs.get(name)!.incidents) {
        expect(incident.lat).toBeGreaterThan(33)
        expect(incident.lat).toBeLessThan(34.2)
        expect(incident.lon).toBeGreaterThan(-85)
        expect(incident.lon).toBeLessThan(-84)
      }
    }
  })

  it('joins the quoted three-line addresses of 2021 and keeps physical line numbers', () => {
    const [first, second] = runs.get('COBRA-2021')!.incidents
    expect(first).toMatchObject({
      sourceId: '021140096',
      line: 2,
      address: '1720 MARIETTA BLVD NW ATLANTA, GA 30318 UNITED STATES',
    })
    expect(second.line).toBe(5)
  })

  it('rejects the typo years 0220 (2020) and 1922 (2021) by the date floor', () => {
    const floor = (name: string) =>
      runs
        .get(name)!
        .rejects.filter((r) => r.rule === 'date.before-floor')
        .map((r) => [r.line, r.value])
    expect(floor('COBRA-2020')).toContainEqual([4751, '0220-11-01 23:56'])
    expect(floor('COBRA-2021')).toEqual([
      [9068, '2/17/1922 10:32'],
      [27035, '6/10/1800 00:56'],
    ])
  })

  it('reads a 2019 time in Atlanta local time with the report date as the end of its day', () => {
    const first = runs.get('COBRA-2019')!.incidents[0]
    expect(first).toMatchObject({
      sourceProfile: 'apd-cobra-2019',
      sourceId: '190010138',
      offenceCode: '2302',
      localCategory: 'LARCENY-NON VEHICLE',
      category: '23H',
      occurredFromMs: Date.parse('2019-01-01T00:20:00-05:00'),
      occurredToMs: Date.parse('2019-01-01T00:25:00-05:00'),
      reportedAtMs: Date.parse('2019-01-02T00:00:00-05:00'),
    })
  })

  it('finds two offense_ids of the old RMS export again in the new one (Sep 2020 overlap)', () => {
    const ids = (name: string) => new Set(runs.get(name)!.incidents.map((i) => i.sourceId))
    const old = ids('COBRA-2020-Old')
    const shared = [...ids('COBRA-2020')].filter((id) => old.has(id)).sort()
    expect(shared).toEqual(['202491964', '202720096'])
    const categories = (name: string) =>
      runs
        .get(name)!
        .incidents.filter((i) => i.sourceId === '202720096')
        .map((i) => i.localCategory)
    // the same id names a robbery in one export and an auto theft in the other: ids were reused
    expect(categories('COBRA-2020-Old')).toEqual(['ROBBERY'])
    expect(categories('COBRA-2020')).toEqual(['AUTO THEFT'])
  })

  it('sees the two exports share only the report day 2020-09-30', () => {
    const reported = (name: string) => runs.get(name)!.incidents.map((i) => i.reportedAtMs!)
    const endOfSep30 = Date.parse('2020-10-01T00:00:00-04:00')
    expect(Math.max(...reported('COBRA-2020-Old'))).toBe(endOfSep30)
    expect(Math.min(...reported('COBRA-2020'))).toBe(endOfSep30)
    const onSep30 = (name: string) => reported(name).filter((ms) => ms === endOfSep30).length
    expect([onSep30('COBRA-2020-Old'), onSep30('COBRA-2020')]).toEqual([7, 49])
  })
})
