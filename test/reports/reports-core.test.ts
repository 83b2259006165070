import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  areaCell,
  checkCaps,
  DEFAULT_CAPS,
  findDuplicateTarget,
  normaliseStreet,
  parseAddress,
  parseServiceTypes,
  validateAttributes,
} from '../../src/reports/index.js'

const types = parseServiceTypes(
  readFileSync(new URL('../../data/report-types.json', import.meta.url), 'utf8'),
)
const byCode = (code: string) => types.find((t) => t.code === code)!

describe('parseServiceTypes', () => {
  it('reads the shipped report types, risk off for every one', () => {
    expect(types.map((t) => t.code)).toEqual([
      'graffiti',
      'streetlight',
      'suspicious',
      'abandoned-vehicle',
      'drugs',
      'noise',
      'traffic',
      'welfare',
    ])
    expect(types.every((t) => !t.risk.enabled)).toBe(true)
    expect(byCode('welfare').welfare).toBe(true)
  })

  it('refuses a welfare type that would raise risk, and names the entry', () => {
    const json = JSON.stringify({
      services: [
        {
          code: 'w',
          name: 'W',
          description: 'd',
          group: 'g',
          welfare: true,
          risk: { enabled: true, weight: 1, cap: 1 },
        },
      ],
    })
    expect(() => parseServiceTypes(json, 'types.json')).toThrow(
      'types.json: services[0]: a welfare type can never raise risk',
    )
  })

  it('refuses repeated codes and lists without values', () => {
    const entry = {
      code: 'a',
      name: 'A',
      description: 'd',
      group: 'g',
      risk: { enabled: false, weight: 0, cap: 0 },
    }
    expect(() => parseServiceTypes(JSON.stringify({ services: [entry, entry] }))).toThrow(
      /"a" is repeated/,
    )
    const list = { ...entry, attributes: [{ code: 'k', datatype: 'singlevaluelist' }] }
    expect(() => parseServiceTypes(JSON.stringify({ services: [list] }))).toThrow(
      /values is required for lists/,
    )
  })
})

describe('validateAttributes', () => {
  it('types numbers, keeps list keys and datetimes with an offset', () => {
    const result = validateAttributes(byCode('suspicious'), {
      people_count: '3',
      seen_at: '2026-11-20T21:05:00-05:00',
    })
    expect(result).toEqual({ values: { people_count: 3, seen_at: '2026-11-20T21:05:00-05:00' } })
  })

  it('names every bad attribute: wrong type, unknown key, missing required, value not in the list', () => {
    const suspicious = validateAttributes(byCode('suspicious'), {
      people_count: 'lots',
      seen_at: '2026-11-20 21:05',
      colour: 'red',
    })
    expect('problems' in suspicious && suspicious.problems.map((p) => p.field)).toEqual([
      'attribute.colour',
      'attribute.people_count',
      'attribute.seen_at',
    ])
    const light = validateAttributes(byCode('streetlight'), {})
    expect(light).toEqual({ problems: [{ field: 'attribute.condition', message: 'is required' }] })
    const traffic = validateAttributes(byCode('traffic'), { kind: 'aliens' })
    expect('problems' in traffic && traffic.problems[0].message).toBe(
      'must be one of speeding, crossing, signal, other',
    )
  })
})

describe('checkCaps', () => {
  const now = Date.parse('2026-11-24T12:00:00Z')
  it('allows a report under every cap', () => {
    expect(
      checkCaps(
        { device: { count: 4, oldestMs: now - 1000 }, area: { count: 0, oldestMs: now } },
        DEFAULT_CAPS,
        now,
      ),
    ).toEqual({ allowed: true })
  })

  it('refuses at the device cap and says when to retry', () => {
    const decision = checkCaps(
      { device: { count: 5, oldestMs: now - 50 * 60_000 }, area: { count: 5, oldestMs: now } },
      DEFAULT_CAPS,
      now,
    )
    expect(decision).toEqual({ allowed: false, scope: 'device', retryAfterS: 600 })
  })

  it('refuses at the area cap even without a device id', () => {
    const decision = checkCaps(
      { area: { count: 30, oldestMs: now - 59 * 60_000 } },
      DEFAULT_CAPS,
      now,
    )
    expect(decision).toEqual({ allowed: false, scope: 'area', retryAfterS: 60 })
  })
})

describe('findDuplicateTarget', () => {
  const base = {
    serviceCode: 'graffiti',
    lat: 33.7633,
    lon: -84.3935,
    requestedAtMs: 1_000_000_000,
  }
  const other = (id: string, dLatM: number, dtMs: number, extra: object = {}) => ({
    id,
    serviceCode: 'graffiti',
    lat: base.lat + dLatM / 111_195,
    lon: base.lon,
    requestedAtMs: base.requestedAtMs - dtMs,
    duplicateOf: null,
    review: 'unreviewed',
    ...extra,
  })

  it('joins the nearest open report of the same type within 50 m and an hour', () => {
    expect(findDuplicateTarget(base, [other('far', 49, 0), other('near', 20, 0)])).toBe('near')
  })

  it('keeps a report alone past 50 m, past an hour, for another type, or next to spam', () => {
    expect(findDuplicateTarget(base, [other('a', 51, 0)])).toBeUndefined()
    expect(findDuplicateTarget(base, [other('b', 10, 3_600_001)])).toBeUndefined()
    expect(findDuplicateTarget(base, [other('c', 10, 0, { serviceCode: 'noise' })])).toBeUndefined()
    expect(findDuplicateTarget(base, [other('d', 10, 0, { review: 'spam' })])).toBeUndefined()
    expect(findDuplicateTarget(base, [other('e', 10, 0, { duplicateOf: 'x' })])).toBeUndefined()
  })
})

describe('areaCell', () => {
  it('puts points 100 m apart in one cell and 1 km apart in different cells', () => {
    const lat = 33.76 + 0.001
    expect(areaCell(lat, -84.39)).toBe(areaCell(lat + 0.0009, -84.39))
    expect(areaCell(lat, -84.39)).not.toBe(areaCell(lat + 0.009, -84.39))
  })
})

describe('parseAddress', () => {
  it('reads intersections and streets, spelling out abbreviations and dropping house numbers', () => {
    expect(parseAddress('Peachtree St NE & Ellis St.')).toEqual({
      kind: 'intersection',
      streets: ['peachtree street northeast', 'ellis street'],
    })
    expect(parseAddress('Marietta St NW at Spring St NW')).toEqual({
      kind: 'intersection',
      streets: ['marietta street northwest', 'spring street northwest'],
    })
    expect(parseAddress('12 Ponce de Leon Ave NE')).toEqual({
      kind: 'street',
      street: 'ponce de leon avenue northeast',
    })
    expect(normaliseStreet('MLK Jr Dr SW')).toBe('martin luther king junior drive southwest')
  })

  it('reads nothing from a number alone or three streets', () => {
    expect(parseAddress('12')).toBeUndefined()
    expect(parseAddress('A St & B St & C St')).toBeUndefined()
  })
})
