import type { Profile } from '../types.js'
import { APD_COBRA_2019, APD_COBRA_2020, APD_COBRA_2020_OLD } from './apd.js'
import { CHICAGO } from './chicago.js'
import { POLICE_UK } from './police-uk.js'
import { VPD } from './vpd.js'

/** The built-in profiles, in detection order (most specific fingerprint wins anyway). */
export const PROFILES: ReadonlyArray<Profile> = [
  APD_COBRA_2019,
  APD_COBRA_2020_OLD,
  APD_COBRA_2020,
  VPD,
  CHICAGO,
  POLICE_UK,
]

/** Name of the profile whose mapping comes with the upload. */
export const GENERIC = 'generic'

/** What the API and CLI show about a profile. */
export interface ProfileInfo {
  readonly name: string
  readonly description: string
  /** IANA zone; `null` for 'generic' (the upload must give one). */
  readonly timezone: string | null
  readonly fingerprint: ReadonlyArray<string>
  readonly reportDateNote: string
}

/** Every profile an upload may name, 'generic' last, for the API and the CLI help. */
export function listProfiles(): ReadonlyArray<ProfileInfo> {
  return [
    ...PROFILES.map((p) => ({
      name: p.name,
      description: p.description,
      timezone: p.timezone,
      fingerprint: p.fingerprint,
      reportDateNote: p.reportDateNote,
    })),
    {
      name: GENERIC,
      description:
        'Any CSV: the upload supplies the column mapping (id, category, dates with their order, lat/lon or x/y + EPSG) and a time zone.',
      timezone: null,
      fingerprint: [],
      reportDateNote: 'Mapped report-date column, else null (use occurredToMs).',
    },
  ]
}

/** Header text compared case-, space- and BOM-insensitively: 'Occur  Date ' → 'occur date'. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase()
}

/** The built-in profile of that name, or undefined. */
export function findProfile(name: string): Profile | undefined {
  return PROFILES.find((p) => p.name === name)
}

/**
 * The profile whose fingerprint headers all appear in `headers`; when several match, the one with
 * the longest fingerprint. Undefined when none matches.
 */
export function detectProfile(headers: ReadonlyArray<string>): Profile | undefined {
  const present = new Set(headers.map(normaliseHeader))
  let best: Profile | undefined
  for (const profile of PROFILES) {
    if (!profile.fingerprint.every((h) => present.has(h))) continue
    if (!best || profile.fingerprint.length > best.fingerprint.length) best = profile
  }
  return best
}
