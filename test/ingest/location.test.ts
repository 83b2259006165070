import { fc, it as prop } from '@fast-check/vitest'
import proj4 from 'proj4'
import { describe, expect, it } from 'vitest'
import type { ColumnMapping } from '../../src/ingest/index.js'
import {
  EPSG_DEFINITIONS,
  createProjector,
  expandBbox,
  parseCoordinate,
} from '../../src/ingest/location.js'
import { ATLANTA_BBOX, csv, ingestAll } from './helpers.js'

describe('createProjector', () => {
  // X/Y (US feet) and lat/lon pairs as published together in Chicago portal exports
  it.each([
    [1165074, 1875917, 41.815117282, -87.669999562],
    [1138875, 1904869, 41.895080471, -87.765400451],
    [1160870, 1898642, 41.877565108, -87.68479102],
  ])('turns Illinois East feet %i,%i into the published %f, %f', (x, y, lat, lon) => {
    const [gotLon, gotLat] = createProjector(3435)(x, y)
    expect(gotLat).toBeCloseTo(lat, 7)
    expect(gotLon).toBeCloseTo(lon, 7)
  })

  it('throws with a remedy for an EPSG code it does not know', () => {
    expect(() => createProjector(2240)).toThrow(/not supported - use one of/)
  })

  prop.prop(
    [
      fc.constantFrom(26910, 3435, 27700, 3857),
      fc.double({ min: -0.2, max: 0.2, noNaN: true }),
      fc.double({ min: -0.2, max: 0.2, noNaN: true }),
    ],
    { seed: 7, numRuns: 200 },
  )('round-trips a point near each system’s area within 1e-7° (about 1 cm)', (epsg, dLon, dLat) => {
    const centre: Record<number, [number, number]> = {
      26910: [-123.1, 49.25],
      3435: [-87.7, 41.85],
      27700: [-0.12, 51.5],
      3857: [-84.39, 33.75],
    }
    const lon = centre[epsg][0] + dLon
    const lat = centre[epsg][1] + dLat
    const [x, y] = proj4('EPSG:4326', EPSG_DEFINITIONS[epsg]).forward([lon, lat])
    const [backLon, backLat] = createProjector(epsg)(x, y)
    expect(Math.abs(backLon - lon)).toBeLessThan(1e-7)
    expect(Math.abs(backLat - lat)).toBeLessThan(1e-7)
  })
})

describe('parseCoordinate', () => {
  it.each([
    ['33.7537', 33.7537],
    ['-84.391', -84.391],
    ['33,7537', 33.7537],
    ['+5459146.9914', 5459146.9914],
    ['1.2e3', 1200],
  ])('reads %s', (text, value) => {
    expect(parseCoordinate(text)).toBe(value)
  })

  it.each(['33.75N', 'west', '1,234.5', '', '--1', '0x10', '1e999', '-1e400'])(
    'refuses %s',
    (text) => {
      expect(parseCoordinate(text)).toBeNaN()
    },
  )
})

describe('expandBbox', () => {
  it('grows a box by a margin in metres on every side', () => {
    const area = expandBbox([-84.438191, 33.7386202, -84.3419625, 33.7858307], 1000)
    expect(33.7386202 - area.south).toBeCloseTo(1000 / 111_320, 9)
    // a degree of longitude is shorter by cos(latitude)
    expect(area.east - -84.3419625).toBeCloseTo(
      1000 / (111_320 * Math.cos((33.7622 * Math.PI) / 180)),
      6,
    )
  })
})

describe('coordinates in an upload', () => {
  const vpd = (x: string, y: string) =>
    `Theft from Vehicle,2020,3,1,12,0,1XX MAIN ST,Central Business District,${x},${y}`
  const VPD_HEADER = 'TYPE,YEAR,MONTH,DAY,HOUR,MINUTE,HUNDRED_BLOCK,NEIGHBOURHOOD,X,Y'

  it('rejects x/y that overflow to Infinity as coord.invalid rows; the upload goes on', async () => {
    const text = [
      VPD_HEADER,
      vpd('1e999', '5459146.99'),
      vpd('491000.5', '-1e999'),
      vpd('491000.5', '5459146.99'),
    ]
    const outcome = await ingestAll(csv(`${text.join('\n')}\n`))
    expect(outcome.error).toBeUndefined()
    expect(outcome.rejects.map((r) => [r.line, r.rule, r.value])).toEqual([
      [2, 'coord.invalid', '1e999'],
      [3, 'coord.invalid', '-1e999'],
    ])
    expect(outcome.summary).toMatchObject({ status: 'complete', rowsRead: 3, accepted: 1 })
  })

  it('rejects degree columns overflowing to Infinity as coord.invalid', async () => {
    const mapping: ColumnMapping = {
      category: 'category',
      occurredFrom: { kind: 'date-time', date: 'when', order: 'ymd' },
      location: { kind: 'lonlat', lon: 'lon', lat: 'lat' },
    }
    const outcome = await ingestAll(
      csv('category,when,lat,lon\ntheft,2022-07-20,1e999,-84.39\ntheft,2022-07-20,33.75,-84.39\n'),
      { profile: 'generic', mapping, timezone: 'UTC' },
    )
    expect(outcome.rejects.map((r) => [r.line, r.rule])).toEqual([[2, 'coord.invalid']])
    expect(outcome.summary.accepted).toBe(1)
  })

  it('rejects a projected point that lands beyond ±180° longitude as coord.out-of-range', async () => {
    const mapping: ColumnMapping = {
      category: 'category',
      occurredFrom: { kind: 'date-time', date: 'when', order: 'ymd' },
      location: { kind: 'xy', x: 'x', y: 'y', epsg: 3857 },
    }
    // Web Mercator x = 1e9 m projects to longitude 8983°
    const outcome = await ingestAll(
      csv('category,when,x,y\ntheft,2022-07-20,1e9,4000000\ntheft,2022-07-20,-9394000,4000000\n'),
      { profile: 'generic', mapping, timezone: 'UTC' },
    )
    expect(outcome.rejects.map((r) => [r.line, r.rule])).toEqual([[2, 'coord.out-of-range']])
    expect(outcome.incidents.map((i) => Math.round(i.lon ?? NaN))).toEqual([-84])
  })

  it('says whether points were checked against an area: without one a lat/lon swap valid both ways is stored as written', async () => {
    const mapping: ColumnMapping = {
      category: 'category',
      occurredFrom: { kind: 'date-time', date: 'when', order: 'ymd' },
      location: { kind: 'lonlat', lon: 'lon', lat: 'lat' },
    }
    // 33.75,-84.39 is Atlanta written into the lon,lat columns the wrong way round
    const text = csv('category,when,lon,lat\ntheft,2022-07-20,33.75,-84.39\n')
    const options = { profile: 'generic', mapping, timezone: 'UTC' } as const
    const blind = await ingestAll(text, options)
    expect(blind.summary).toMatchObject({ accepted: 1, swappedFixed: 0, areaChecked: false })
    expect([blind.incidents[0].lon, blind.incidents[0].lat]).toEqual([33.75, -84.39])
    const checked = await ingestAll(text, { ...options, bbox: ATLANTA_BBOX })
    expect(checked.summary).toMatchObject({ accepted: 1, swappedFixed: 1, areaChecked: true })
    expect([checked.incidents[0].lon, checked.incidents[0].lat]).toEqual([-84.39, 33.75])
  })
})
