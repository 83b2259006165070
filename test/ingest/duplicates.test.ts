import { describe, expect, it } from 'vitest'
import { DuplicateFilter } from '../../src/ingest/duplicates.js'

describe('DuplicateFilter', () => {
  it('sees an (id, offence) pair again, but not the same id with another offence', () => {
    const seen = new DuplicateFilter()
    expect(seen.seenBefore('210311604', '23F')).toBe(false)
    expect(seen.seenBefore('210311604', '23F')).toBe(true)
    expect(seen.seenBefore('210311604', '23G')).toBe(false)
  })

  it('keeps ids with leading zeros apart from the same digits without them', () => {
    const seen = new DuplicateFilter()
    expect(seen.seenBefore('021140096', '23F')).toBe(false)
    expect(seen.seenBefore('21140096', '23F')).toBe(false)
    expect(seen.seenBefore('0021140096', '23F')).toBe(false)
    expect(seen.seenBefore('021140096', '23F')).toBe(true)
  })

  it('handles long and non-numeric ids as text', () => {
    const seen = new DuplicateFilter()
    const hash = '3f9d0c2a8b7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c'
    expect(seen.seenBefore(hash, 'Burglary')).toBe(false)
    expect(seen.seenBefore(hash, 'Burglary')).toBe(true)
    expect(seen.seenBefore('123456789012', 'x')).toBe(false)
    expect(seen.seenBefore('123456789012', 'x')).toBe(true)
    expect(seen.seenBefore('JX100001', 'x')).toBe(false)
  })
})
