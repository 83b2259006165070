const WORDS: Readonly<Record<string, string>> = {
  st: 'street',
  str: 'street',
  ave: 'avenue',
  av: 'avenue',
  rd: 'road',
  dr: 'drive',
  blvd: 'boulevard',
  ln: 'lane',
  pl: 'place',
  pkwy: 'parkway',
  hwy: 'highway',
  ct: 'court',
  cir: 'circle',
  sq: 'square',
  ter: 'terrace',
  n: 'north',
  s: 'south',
  e: 'east',
  w: 'west',
  ne: 'northeast',
  nw: 'northwest',
  se: 'southeast',
  sw: 'southwest',
  mlk: 'martin luther king',
  jr: 'junior',
}

/** A street name reduced for matching: lower case, punctuation gone, abbreviations spelled out. */
export function normaliseStreet(name: string): string {
  return name
    .toLowerCase()
    .replace(/[.,'’]/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => WORDS[w] ?? w)
    .join(' ')
}

/** An address a resident typed: one street, or the two streets of an intersection. */
export type ParsedAddress =
  | { readonly kind: 'street'; readonly street: string }
  | { readonly kind: 'intersection'; readonly streets: readonly [string, string] }

/**
 * Reads "Peachtree St NE & Ellis St", "Marietta St at Spring St" or "12 Peachtree Street"
 * (house numbers are dropped: the network has no address points).
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const parts = text
    .split(/\s+(?:&|and|at|@|\/)\s+|\s*&\s*/i)
    .map((p) => p.trim())
    .filter(Boolean)
  const clean = (p: string) => normaliseStreet(p.replace(/^\d+[a-z]?\s+/i, ''))
  if (parts.length === 2)
    return { kind: 'intersection', streets: [clean(parts[0]!), clean(parts[1]!)] }
  if (parts.length === 1 && clean(parts[0]!).length > 2)
    return { kind: 'street', street: clean(parts[0]!) }
  return undefined
}
