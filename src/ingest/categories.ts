import type { CrimeAgainst } from './types.js'

/**
 * The canonical category spine: NIBRS Group A offences, Group B (90A–90Z, arrest-only), and a few
 * non-NIBRS groups the sources need (a collision is not a crime; police.uk has anti-social
 * behaviour; VPD publishes "Offence Against a Person" without detail).
 *
 * `enforcement: true` marks types that mostly measure where police looked (drugs, weapons
 * possession, Group B, traffic, warrants): kept, but a risk model should leave them out by default.
 */
export interface CanonicalCategory {
  readonly id: string
  readonly label: string
  readonly crimeAgainst: CrimeAgainst
  readonly enforcement: boolean
}

/** Category of rows whose local value has no mapping; listed in the summary. */
export const UNMAPPED: CanonicalCategory = {
  id: 'unmapped',
  label: 'No canonical mapping',
  crimeAgainst: 'unknown',
  enforcement: false,
}

type Row = readonly [id: string, label: string, against: CrimeAgainst, enforcement?: boolean]

const SPINE: ReadonlyArray<Row> = [
  ['09A', 'Murder and non-negligent manslaughter', 'persons'],
  ['09B', 'Negligent manslaughter', 'persons'],
  ['100', 'Kidnapping/abduction', 'persons'],
  ['11A', 'Rape', 'persons'],
  ['11B', 'Sodomy', 'persons'],
  ['11C', 'Sexual assault with an object', 'persons'],
  ['11D', 'Fondling', 'persons'],
  ['120', 'Robbery', 'property'],
  ['13A', 'Aggravated assault', 'persons'],
  ['13B', 'Simple assault', 'persons'],
  ['13C', 'Intimidation', 'persons'],
  ['200', 'Arson', 'property'],
  ['210', 'Extortion/blackmail', 'property'],
  ['220', 'Burglary/breaking and entering', 'property'],
  ['23A', 'Pocket-picking', 'property'],
  ['23B', 'Purse-snatching', 'property'],
  ['23C', 'Shoplifting', 'property'],
  ['23D', 'Theft from building', 'property'],
  ['23E', 'Theft from coin-operated machine', 'property'],
  ['23F', 'Theft from motor vehicle', 'property'],
  ['23G', 'Theft of motor vehicle parts', 'property'],
  ['23H', 'All other larceny', 'property'],
  ['240', 'Motor vehicle theft', 'property'],
  ['250', 'Counterfeiting/forgery', 'property'],
  ['26A', 'False pretenses/swindle', 'property'],
  ['270', 'Embezzlement', 'property'],
  ['280', 'Stolen property offences', 'property'],
  ['290', 'Destruction/damage/vandalism', 'property'],
  ['35A', 'Drug/narcotic violations', 'society', true],
  ['35B', 'Drug equipment violations', 'society', true],
  ['370', 'Pornography/obscene material', 'society'],
  ['39A', 'Betting/wagering', 'society'],
  ['40A', 'Prostitution', 'society'],
  ['520', 'Weapon law violations', 'society', true],
  ['90A', 'Bad checks', 'property', true],
  ['90B', 'Curfew/loitering/vagrancy', 'society', true],
  ['90C', 'Disorderly conduct', 'society', true],
  ['90D', 'Driving under the influence', 'society', true],
  ['90E', 'Drunkenness', 'society', true],
  ['90F', 'Family offences, non-violent', 'society', true],
  ['90G', 'Liquor law violations', 'society', true],
  ['90H', 'Peeping Tom', 'society', true],
  ['90J', 'Trespass of real property', 'society', true],
  ['90Z', 'All other offences', 'unknown', true],
  ['persons-other', 'Offence against a person, unspecified', 'persons'],
  ['public-order', 'Public order offence', 'society'],
  ['asb', 'Anti-social behaviour', 'society'],
  ['collision', 'Traffic collision with injury or death', 'unknown'],
  ['traffic', 'Traffic offence', 'society', true],
  ['warrant', 'Warrant service', 'society', true],
  ['other', 'Other offence', 'unknown'],
]

/** Every canonical category, keyed by id (including 'unmapped'). */
export const CANONICAL_CATEGORIES: ReadonlyMap<string, CanonicalCategory> = new Map(
  [
    ...SPINE.map(([id, label, crimeAgainst, enforcement]) => ({
      id,
      label,
      crimeAgainst,
      enforcement: enforcement ?? false,
    })),
    UNMAPPED,
  ].map((category) => [category.id, category]),
)

/** NIBRS codes mapped to themselves, for sources whose code column already is NIBRS. */
export const NIBRS_IDENTITY: Readonly<Record<string, string>> = Object.fromEntries(
  SPINE.filter(([id]) => /^[0-9]{2}[0-9A-Z]$/.test(id)).map(([id]) => [id, id]),
)

/** @throws when a profile or upload maps to an id outside the spine (a typo in the map). */
export function assertCanonical(ids: Iterable<string>, where: string): void {
  for (const id of ids) {
    if (!CANONICAL_CATEGORIES.has(id)) {
      throw new Error(
        `${where} maps to unknown canonical category "${id}" - use one of ${[...CANONICAL_CATEGORIES.keys()].join(', ')}`,
      )
    }
  }
}
