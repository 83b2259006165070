/** Open311 attribute datatypes (GeoReport v2). */
export type AttributeDatatype =
  'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist'

export interface ServiceAttribute {
  readonly code: string
  readonly datatype: AttributeDatatype
  readonly required: boolean
  readonly description: string
  /** Allowed keys and their names, for the list datatypes. */
  readonly values?: readonly (readonly [string, string])[]
}

/** How much a report type may move patrol risk: nothing unless `enabled`, and never more than `cap`. */
export interface ReportRisk {
  readonly enabled: boolean
  /** Expected victim-reported crimes per report, added to the segment's score. */
  readonly weight: number
  /** Most the type may add to one segment's score, same unit. */
  readonly cap: number
}

/** A report type (an Open311 service). Types are data: `data/report-types.json`. */
export interface ServiceType {
  readonly code: string
  readonly name: string
  readonly description: string
  readonly group: string
  readonly keywords: readonly string[]
  /** Welfare concerns never raise risk; they become outreach referrals for a co-responder team. */
  readonly welfare: boolean
  readonly notice: string | null
  readonly risk: ReportRisk
  readonly attributes: readonly ServiceAttribute[]
}

const DATATYPES = new Set<AttributeDatatype>([
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
])
const CODE = /^[a-z][a-z0-9_-]{0,39}$/

/**
 * Parses and checks the report-types file.
 * @throws Error naming the first bad entry and what was expected.
 */
export function parseServiceTypes(json: string, source = 'report types'): ServiceType[] {
  const data = JSON.parse(json) as { services?: unknown }
  if (!Array.isArray(data.services) || data.services.length === 0) {
    throw new Error(`${source}: expected a non-empty "services" array`)
  }
  const seen = new Set<string>()
  return data.services.map((raw: any, i: number): ServiceType => {
    const where = `${source}: services[${i}]`
    if (typeof raw?.code !== 'string' || !CODE.test(raw.code))
      throw new Error(`${where}.code must match ${CODE}`)
    if (seen.has(raw.code)) throw new Error(`${where}.code "${raw.code}" is repeated`)
    seen.add(raw.code)
    for (const key of ['name', 'description', 'group'] as const) {
      if (typeof raw[key] !== 'string' || raw[key] === '')
        throw new Error(`${where}.${key} must be a non-empty string`)
    }
    const risk = raw.risk ?? {}
    if (typeof risk.enabled !== 'boolean' || !(risk.weight >= 0) || !(risk.cap >= 0)) {
      throw new Error(`${where}.risk needs enabled (boolean), weight ≥ 0 and cap ≥ 0`)
    }
    if (raw.welfare === true && risk.enabled)
      throw new Error(`${where}: a welfare type can never raise risk`)
    const attributes = (raw.attributes ?? []).map((a: any, j: number): ServiceAttribute => {
      const at = `${where}.attributes[${j}]`
      if (typeof a?.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(a.code))
        throw new Error(`${at}.code must be snake_case`)
      if (!DATATYPES.has(a.datatype))
        throw new Error(`${at}.datatype must be one of ${[...DATATYPES].join(', ')}`)
      const isList = a.datatype.endsWith('valuelist')
      if (isList && (!Array.isArray(a.values) || a.values.length === 0))
        throw new Error(`${at}.values is required for lists`)
      return {
        code: a.code,
        datatype: a.datatype,
        required: a.required === true,
        description: String(a.description ?? a.code),
        ...(isList
          ? { values: a.values.map((v: [string, string]) => [String(v[0]), String(v[1])] as const) }
          : {}),
      }
    })
    return {
      code: raw.code,
      name: raw.name,
      description: raw.description,
      group: raw.group,
      keywords: Array.isArray(raw.keywords) ? raw.keywords.map(String) : [],
      welfare: raw.welfare === true,
      notice: typeof raw.notice === 'string' ? raw.notice : null,
      risk: { enabled: risk.enabled, weight: Number(risk.weight), cap: Number(risk.cap) },
      attributes,
    }
  })
}
