import { detach } from './cells.js'

const DIGIT_LIMIT = 11 // ids of up to 11 digits are keyed as numbers (< 2^37, see numericKey)

/**
 * In-file duplicate check on (source id, offence). Exact, but compact: most source ids are digit
 * strings (APD offense_id, Chicago ID), kept as one number each (length and value, so leading
 * zeros still count) in a Set per offence; other ids are kept as strings. About 40 bytes per id
 * instead of ~130 for a concatenated string key.
 */
export class DuplicateFilter {
  private readonly byOffence = new Map<string, Set<number | string>>()

  /** True when (sourceId, offence) was already seen; otherwise remembers it and returns false. */
  seenBefore(sourceId: string, offence: string): boolean {
    let ids = this.byOffence.get(offence)
    if (ids === undefined) {
      ids = new Set()
      this.byOffence.set(detach(offence), ids)
    }
    const key = numericKey(sourceId) ?? sourceId
    if (ids.has(key)) return true
    ids.add(typeof key === 'string' ? detach(key) : key)
    return false
  }
}

/** length · 2^37 + value for 1–11 ASCII digits (value < 10^11 < 2^37, so the pair is unique). */
function numericKey(id: string): number | undefined {
  if (id.length === 0 || id.length > DIGIT_LIMIT) return undefined
  let value = 0
  for (let i = 0; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return undefined
    value = value * 10 + digit
  }
  return id.length * 2 ** 37 + value
}
