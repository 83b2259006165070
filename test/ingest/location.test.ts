import { fc, it as prop } from '@fast-check/vitest'
import proj4 from 'proj4'
import { describe, expect, it } from 'vitest'
import {
  EPSG_DEFINITIONS,
  createProjector,
  expandBbox,
  parseCoordinate,
} from '../../src/ingest/location.js'

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

  it.each(['33.75N', 'west', '1,234.5', '', '--1', '0x10'])('refuses %s', (text) => {
    expect(parseCoordinate(text)).toBeNaN()
  })
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
