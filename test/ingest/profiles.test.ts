import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listProfiles } from '../../src/ingest/index.js'
import { detectProfile } from '../../src/ingest/profiles/index.js'
import { FIXTURES, csv, ingestAll } from './helpers.js'

describe('listProfiles', () => {
  it('lists every built-in profile with its zone and fingerprint, generic last', () => {
    const profiles = listProfiles()
    expect(profiles.map((p) => [p.name, p.timezone])).toEqual([
      ['apd-cobra-2019', 'America/New_York'],
      ['apd-cobra-2020-old', 'America/New_York'],
      ['apd-cobra-2020', 'America/New_York'],
      ['vpd', 'America/Vancouver'],
      ['chicago', 'America/Chicago'],
      ['police-uk', 'Europe/London'],
      ['generic', null],
    ])
    for (const p of profiles.slice(0, -1)) expect(p.fingerprint.length).toBeGreaterThan(4)
  })
})

describe('detectProfile', () => {
  it('matches headers case-, space- and BOM-insensitively', () => {
    const headers = [
      '\uFEFF OFFENSE_ID',
      'Rpt_Date ',
      'occur_date',
      'occur_time',
      'UC2_literal',
      'IBR_CODE',
    ]
    expect(detectProfile(headers)?.name).toBe('apd-cobra-2020')
  })

  it('tells the old RMS export (UCR_Number) from the new one (ibr_code)', () => {
    const old = ['offense_id', 'rpt_date', 'occur_date', 'occur_time', 'UC2_Literal', 'UCR_Number']
    expect(detectProfile(old)?.name).toBe('apd-cobra-2020-old')
  })

  it('returns undefined for an unknown header', () => {
    expect(detectProfile(['when', 'what', 'where'])).toBeUndefined()
  })
})

describe('chicago profile (hand-written rows from the published schema)', () => {
  const file = join(FIXTURES, 'chicago-schema-handwritten.csv')

  it('reads 12-hour local times, IUCR, FBI codes and the state-plane fall-back', async () => {
    const { incidents, summary } = await ingestAll(file)
    expect(summary).toMatchObject({
      profile: 'chicago',
      accepted: 10,
      rejected: 0,
      withoutLocation: 4,
      dstGapShifted: 1,
      dstAmbiguous: 1,
      unmapped: [],
    })
    const byId = new Map(incidents.map((i) => [i.sourceId, i]))
    expect(byId.get('90000001')).toMatchObject({
      offenceCode: '0486',
      localCategory: 'BATTERY',
      category: '13B',
      occurredFromMs: Date.parse('2023-09-05T13:30:00-05:00'),
      reportedAtMs: null,
      beat: '0924',
      address: '043XX S WOOD ST',
    })
    // empty lat/lon: X/Y feet in EPSG:3435 give the published pair 41.895080471, -87.765400451
    expect(byId.get('90000002')!.lat).toBeCloseTo(41.895080471, 7)
    expect(byId.get('90000002')!.lon).toBeCloseTo(-87.765400451, 7)
    expect(byId.get('90000003')).toMatchObject({ category: '35A', enforcement: true, lon: null })
    expect(byId.get('90000008')).toMatchObject({
      offenceCode: '143A',
      category: '520',
      enforcement: true,
    })
    // no FBI Code: the Primary Type decides
    expect(byId.get('90000009')).toMatchObject({ category: '23H', enforcement: false })
    expect(byId.get('90000010')).toMatchObject({ category: '09A', crimeAgainst: 'persons' })
  })

  it('reads 12:00:00 AM as midnight, the ISO variant, and the DST gap and overlap', async () => {
    const { incidents } = await ingestAll(file)
    const at = (id: string) => incidents.find((i) => i.sourceId === id)!.occurredFromMs
    expect(at('90000006')).toBe(Date.parse('2023-01-01T00:00:00-06:00'))
    expect(at('90000007')).toBe(Date.parse('2023-08-31T12:00:00-05:00'))
    // 02:30 on 2023-03-12 does not exist in Chicago: moved forward by the gap to 03:30 CDT
    expect(at('90000004')).toBe(Date.parse('2023-03-12T03:30:00-05:00'))
    // 01:30 on 2023-11-05 happens twice: the earlier, CDT, instant
    expect(at('90000005')).toBe(Date.parse('2023-11-05T01:30:00-05:00'))
  })
})

describe('police-uk profile (hand-written rows from the published schema)', () => {
  it('turns months into month windows and keeps ASB rows without an id', async () => {
    const { incidents, summary } = await ingestAll(
      join(FIXTURES, 'police-uk-schema-handwritten.csv'),
    )
    expect(summary).toMatchObject({
      profile: 'police-uk',
      accepted: 7,
      withoutLocation: 1,
      duplicates: 0,
    })
    const [asb, burglary, drugs, weapons, noLocation, vehicle] = incidents
    expect(asb).toMatchObject({
      sourceId: null,
      category: 'asb',
      occurredFromMs: Date.parse('2024-03-01T00:00:00Z'),
      // BST starts on 31 March: the month ends at 00:00 BST
      occurredToMs: Date.parse('2024-04-01T00:00:00+01:00'),
      address: 'On or near Trafalgar Square',
      neighbourhood: 'Westminster 018A',
    })
    expect(burglary.category).toBe('220')
    expect([drugs.category, drugs.enforcement]).toEqual(['35A', true])
    expect([weapons.category, weapons.enforcement]).toEqual(['520', true])
    expect(noLocation).toMatchObject({ lon: null, lat: null, category: '23H' })
    expect(vehicle).toMatchObject({
      occurredFromMs: Date.parse('2024-10-01T00:00:00+01:00'),
      occurredToMs: Date.parse('2024-11-01T00:00:00Z'),
    })
  })
})

describe('generic profile', () => {
  const mapping = {
    id: 'Ref',
    category: 'Offence',
    occurredFrom: { kind: 'date-time', date: 'When', order: 'dmy', excelSerials: true },
    location: { kind: 'xy', x: 'Easting', y: 'Northing', epsg: 27700 },
  } as const

  it('reads an uploaded mapping with day-first dates, Excel serials and British National Grid', async () => {
    const text = [
      'Ref;Offence;When;Easting;Northing',
      'A1;Burglary;03/02/2024 14:05;530034;180381',
      'A2;Shoplifting;45352.5;530034;180381',
      'A3;Stargazing;29/02/2023;530034;180381',
    ].join('\r\n')
    const { incidents, rejects, summary } = await ingestAll(csv(text), {
      profile: 'generic',
      mapping,
      timezone: 'Europe/London',
      categoryMap: { burglary: '220', SHOPLIFTING: '23C' },
    })
    expect(summary).toMatchObject({ profile: 'generic', delimiter: ';', accepted: 2 })
    expect(rejects.map((r) => [r.line, r.rule, r.value])).toEqual([
      [4, 'date.invalid', '29/02/2023'],
    ])
    expect(incidents[0]).toMatchObject({
      category: '220',
      occurredFromMs: Date.parse('2024-02-03T14:05:00Z'),
    })
    // Excel serial 45352.5 = 2024-03-01 12:00
    expect(incidents[1]).toMatchObject({
      category: '23C',
      occurredFromMs: Date.parse('2024-03-01T12:00:00Z'),
    })
    // Easting 530034 / Northing 180381 is central London (Charing Cross)
    expect(incidents[0].lon).toBeCloseTo(-0.1246, 2)
    expect(incidents[0].lat).toBeCloseTo(51.5077, 2)
  })

  it('falls back to the uploaded mapping when auto-detection finds no profile', async () => {
    const { summary } = await ingestAll(
      csv('Ref;Offence;When;Easting;Northing\nA1;Burglary;03/02/2024;530034;180381\n'),
      {
        mapping,
        timezone: 'Europe/London',
      },
    )
    expect(summary).toMatchObject({
      profile: 'generic',
      accepted: 1,
      unmapped: [{ key: 'Burglary', count: 1 }],
    })
  })

  it('lets an upload override the time zone of a profile', async () => {
    const { incidents } = await ingestAll(join(FIXTURES, 'bad', 'dst-gap-spring-forward.csv'), {
      timezone: 'UTC',
    })
    expect(incidents[0].occurredFromMs).toBe(Date.parse('2022-03-13T02:30:00Z'))
  })
})
