import { describe, expect, it } from 'vitest'
import type { PlanDocument } from '../../src/exports/index.js'
import { planToGpx, planToKml } from '../../src/exports/index.js'
import { coordinate, xmlEscape } from '../../src/exports/xml.js'

/** Anything outside XML 1.0's Char production (per UTF-16 code unit; pairs allowed). */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

describe('coordinate', () => {
  it('writes plain decimals, never exponent notation', () => {
    expect(coordinate(5e-7)).toBe('0.0000005')
    expect(coordinate(-5e-7)).toBe('-0.0000005')
    expect(coordinate(1e-7)).toBe('0.0000001')
    expect(coordinate(1.23e-5)).toBe('0.0000123')
    for (const v of [5e-7, -5e-7, 1e-7, 1.23e-5, 3e-6, 1e-300])
      expect(coordinate(v)).toMatch(/^-?\d+(\.\d+)?$/)
  })

  it('keeps 7 decimals at most, drops trailing zeros and a negative zero', () => {
    expect(coordinate(33.7633)).toBe('33.7633')
    expect(coordinate(-84.39350004)).toBe('-84.3935')
    expect(coordinate(-84.39350006)).toBe('-84.3935001')
    expect(coordinate(10)).toBe('10')
    expect(coordinate(0)).toBe('0')
    expect(coordinate(-0)).toBe('0')
    expect(coordinate(-1e-9)).toBe('0')
    expect(coordinate(1e-9)).toBe('0')
  })
})

describe('xmlEscape', () => {
  it('drops U+FFFE, U+FFFF and lone surrogates, keeps pairs, tab, LF and CR', () => {
    expect(xmlEscape('a\ufffeb\uffffc')).toBe('abc')
    expect(xmlEscape('x\ud800y')).toBe('xy')
    expect(xmlEscape('x\udc00y')).toBe('xy')
    expect(xmlEscape('end\ud83d')).toBe('end')
    expect(xmlEscape('\ude00start')).toBe('start')
    expect(xmlEscape('car 🚓 1')).toBe('car 🚓 1')
    expect(xmlEscape('\ud83d\ud83d\ude93')).toBe('🚓')
    expect(xmlEscape('a\tb\nc\rd\u0001e\u001ff')).toBe('a\tb\nc\rdef')
    expect(xmlEscape('<&>"\'')).toBe('&lt;&amp;&gt;&quot;&apos;')
  })
})

describe('GPX and KML of a plan with hostile unit ids and tiny coordinates', () => {
  const position = [5e-7, -5e-7] as const
  const stop = {
    seq: 1,
    segmentId: 'w1:1-2',
    street: 'Main \uffff St',
    position,
    path: [position],
    arrive: '2022-03-05T05:30:00.000Z',
    leave: '2022-03-05T05:42:00.000Z',
    dwellMinutes: 12,
    expectedCrimes: 0.1,
    kind: 'prize',
    reason: 'synthetic \ud800 reason',
  }
  const plan = {
    id: 'plan-1',
    network: 'testville',
    timezone: 'America/New_York',
    shiftStart: '2022-03-05T05:00:00.000Z',
    shiftEnd: '2022-03-05T13:00:00.000Z',
    createdAt: '2022-03-05T04:00:00.000Z',
    units: [
      {
        id: 'car\ufffe-1\udc00',
        mode: 'drive',
        start: [0, 0],
        end: [0, 0],
        stops: [stop],
        returnPath: [[0, 0]],
      },
    ],
  } as unknown as PlanDocument

  for (const [name, write] of [
    ['GPX', planToGpx],
    ['KML', planToKml],
  ] as const) {
    it(`${name} has only XML characters and plain-decimal coordinates`, () => {
      const xml = write(plan)
      expect(xml).not.toMatch(NOT_XML_CHAR)
      expect(xml).not.toMatch(/\de-\d/)
      expect(xml).toContain('0.0000005')
      expect(xml).toContain('car-1')
    })
  }
})
