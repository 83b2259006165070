import { fc, it as prop } from '@fast-check/vitest'
import { stringify } from 'csv-stringify/sync'
import { describe, expect } from 'vitest'
import type { ColumnMapping } from '../../src/ingest/index.js'
import { ingestAll } from './helpers.js'

const mapping: ColumnMapping = {
  id: 'id',
  category: 'category',
  occurredFrom: { kind: 'date-time', date: 'when', order: 'ymd' },
  location: { kind: 'lonlat', lon: 'lon', lat: 'lat' },
}

const MISSING = new Set(['', 'NULL', 'NA', 'N/A', '#N/A'])
// any Unicode text with the characters CSV has to quote; NUL makes a file binary, so none
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1 }),
      fc.constantFrom('"', ',', ';', '\n', '\r\n', '\r', ' '),
    ),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(''))
  .filter((s) => !s.includes('\u0000') && !MISSING.has(s.trim().toUpperCase()))

const row = fc.record({
  category: text,
  minute: fc.integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2026, 0, 1) / 60_000 }),
  lat: fc.double({ min: -89, max: 89, noNaN: true }),
  lon: fc.double({ min: -179, max: 179, noNaN: true }),
})

describe('generic profile', () => {
  prop.prop([fc.array(row, { minLength: 1, maxLength: 30 })], { seed: 42, numRuns: 60 })(
    'reads back what csv-stringify wrote: ingest(stringify(rows)) = rows',
    async (rows) => {
      const records = rows.map((r, i) => ({
        id: `id-${i}`,
        category: r.category,
        when: new Date(r.minute * 60_000).toISOString().slice(0, 16).replace('T', ' '),
        lat: String(r.lat),
        lon: String(r.lon),
      }))
      const file = stringify(records, {
        header: true,
        columns: ['id', 'category', 'when', 'lat', 'lon'],
      })
      const { incidents, summary, error } = await ingestAll(Buffer.from(file), {
        profile: 'generic',
        mapping,
        timezone: 'UTC',
        batchSize: 7,
      })
      expect(error).toBeUndefined()
      expect(summary.rejected).toBe(0)
      expect(
        incidents.map((i) => [i.sourceId, i.localCategory, i.occurredFromMs, i.lat, i.lon]),
      ).toEqual(
        rows.map((r, i) => [
          `id-${i}`,
          r.category.trim(),
          r.minute * 60_000,
          // String(-0) is '0'; 0,0 is "without location"
          r.lat === 0 && r.lon === 0 ? null : r.lat + 0,
          r.lat === 0 && r.lon === 0 ? null : r.lon + 0,
        ]),
      )
    },
  )
})
