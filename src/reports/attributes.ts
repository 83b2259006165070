import type { ServiceType } from './service-types.js'

export type AttributeValue = string | number | readonly string[]

export interface AttributeProblem {
  readonly field: string
  readonly message: string
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const MAX_TEXT = 2000 // characters in one attribute value

/**
 * Checks a request's `attribute` values against the type's definitions: required ones present,
 * each value of its datatype, list values among the allowed keys, no unknown attributes.
 * @returns the typed values, or every problem found (field `attribute.<code>`).
 */
export function validateAttributes(
  service: ServiceType,
  given: Readonly<Record<string, unknown>>,
): { readonly values: Record<string, AttributeValue> } | { readonly problems: AttributeProblem[] } {
  const problems: AttributeProblem[] = []
  const values: Record<string, AttributeValue> = {}
  const known = new Map(service.attributes.map((a) => [a.code, a]))
  for (const code of Object.keys(given)) {
    if (!known.has(code))
      problems.push({
        field: `attribute.${code}`,
        message: `"${service.code}" has no attribute "${code}"`,
      })
  }
  for (const attribute of service.attributes) {
    const field = `attribute.${attribute.code}`
    const raw = given[attribute.code]
    if (raw === undefined || raw === null || raw === '') {
      if (attribute.required) problems.push({ field, message: 'is required' })
      continue
    }
    const allowed = new Set((attribute.values ?? []).map(([key]) => key))
    switch (attribute.datatype) {
      case 'number': {
        const n =
          typeof raw === 'number'
            ? raw
            : typeof raw === 'string' && raw.trim() !== ''
              ? Number(raw)
              : NaN
        if (Number.isFinite(n)) values[attribute.code] = n
        else
          problems.push({
            field,
            message: `must be a number, got ${JSON.stringify(raw).slice(0, 40)}`,
          })
        break
      }
      case 'datetime':
        if (typeof raw === 'string' && ISO_WITH_OFFSET.test(raw) && !Number.isNaN(Date.parse(raw)))
          values[attribute.code] = raw
        else problems.push({ field, message: 'must be an ISO 8601 date-time with an offset' })
        break
      case 'string':
      case 'text':
        if (typeof raw === 'string' && raw.length <= MAX_TEXT) values[attribute.code] = raw
        else problems.push({ field, message: `must be text of at most ${MAX_TEXT} characters` })
        break
      case 'singlevaluelist':
        if (typeof raw === 'string' && allowed.has(raw)) values[attribute.code] = raw
        else problems.push({ field, message: `must be one of ${[...allowed].join(', ')}` })
        break
      case 'multivaluelist': {
        const list = Array.isArray(raw) ? raw : [raw]
        if (list.every((v) => typeof v === 'string' && allowed.has(v)))
          values[attribute.code] = list as string[]
        else problems.push({ field, message: `must be a list of ${[...allowed].join(', ')}` })
        break
      }
    }
  }
  return problems.length > 0 ? { problems } : { values }
}
