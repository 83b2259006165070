import { fc, it as prop } from '@fast-check/vitest'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { escapeFormula, renderRejectsCsv, type Reject } from '../../src/ingest/index.js'

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r']

describe('escapeFormula', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['LARCENY', 'LARCENY'],
    ['', ''],
  ])('escapes %j as %j', (cell, escaped) => {
    expect(escapeFormula(cell)).toBe(escaped)
  })

  prop.prop([fc.string({ unit: 'grapheme' })], { seed: 1236, numRuns: 500 })(
    'never lets a trigger lead, and stripping the added apostrophe gives the cell back',
    (cell) => {
      const out = escapeFormula(cell)
      expect(TRIGGERS).not.toContain(out[0])
      expect(out === cell || (out === `'${cell}` && TRIGGERS.includes(cell[0]))).toBe(true)
    },
  )
})

describe('renderRejectsCsv', () => {
  const reject = (value: string): Reject => ({
    line: 7,
    column: 'occur_date',
    value,
    rule: 'date.invalid',
    message: `"${value}" is not a valid date`,
  })

  it('writes a header and one row per reject, line numbers as plain numbers', () => {
    expect(renderRejectsCsv([reject('2/30/2021')])).toBe(
      'line,column,value,rule,message\n7,occur_date,2/30/2021,date.invalid,"""2/30/2021"" is not a valid date"\n',
    )
  })

  prop.prop([fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 })], {
    seed: 4180,
    numRuns: 200,
  })(
    'round-trips every value through a CSV parser, escaped only where a formula could start',
    (values) => {
      const rows = parse(renderRejectsCsv(values.map(reject)), { from_line: 2 }) as string[][]
      expect(rows).toHaveLength(values.length)
      rows.forEach((row, i) => {
        expect(row[0]).toBe('7')
        expect(row[2]).toBe(escapeFormula(values[i]))
        for (const cell of row) expect(TRIGGERS).not.toContain(cell[0])
      })
    },
  )
})
