import { CANONICAL_CATEGORIES, UNMAPPED, type CanonicalCategory } from './categories.js'
import { detach } from './cells.js'

const MAX_MEMO = 50_000 // distinct (code, text) pairs remembered; real files have a few hundred

/**
 * Local category → canonical: the canonical-code column through `codeMap` first (NIBRS code, FBI
 * Code), then the category text through `categoryMap`, else 'unmapped'. Keys are upper-cased and
 * trimmed. Results are memoised per distinct pair.
 */
export function createCategoryResolver(
  categoryMap: Readonly<Record<string, string>>,
  codeMap: Readonly<Record<string, string>> | undefined,
): (code: string | undefined, localCategory: string) => CanonicalCategory {
  const memo = new Map<string, CanonicalCategory>()
  const byText = upperKeys(categoryMap)
  const byCode = codeMap ? upperKeys(codeMap) : undefined
  return (code, localCategory) => {
    const key = code === undefined ? localCategory : `${code}\u0000${localCategory}`
    const known = memo.get(key)
    if (known !== undefined) return known
    const id =
      (code !== undefined ? byCode?.get(code.toUpperCase()) : undefined) ??
      byText.get(localCategory.toUpperCase().replace(/\s+/g, ' '))
    const category = (id !== undefined && CANONICAL_CATEGORIES.get(id)) || UNMAPPED
    if (memo.size >= MAX_MEMO) memo.clear()
    memo.set(detach(key), category)
    return category
  }
}

function upperKeys(map: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(
    Object.entries(map).map(([k, v]) => [k.trim().toUpperCase().replace(/\s+/g, ' '), v]),
  )
}
