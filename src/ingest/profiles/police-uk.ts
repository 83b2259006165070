import type { Profile } from '../types.js'

/** data.police.uk street-level crime CSV (YYYY-MM-<force>-street.csv). */
export const POLICE_UK: Profile = {
  name: 'police-uk',
  description:
    'data.police.uk street-level CSV: Month (YYYY-MM) only, so each row is a window over the whole month; Crime ID is empty for anti-social behaviour.',
  timezone: 'Europe/London',
  fingerprint: [
    'crime id',
    'month',
    'falls within',
    'longitude',
    'latitude',
    'lsoa code',
    'crime type',
  ],
  mapping: {
    id: 'Crime ID',
    category: 'Crime type',
    occurredFrom: { kind: 'month', column: 'Month' },
    location: { kind: 'lonlat', lon: 'Longitude', lat: 'Latitude' },
    neighbourhood: 'LSOA name',
    address: 'Location',
  },
  categoryMap: {
    'ANTI-SOCIAL BEHAVIOUR': 'asb',
    'BICYCLE THEFT': '23H',
    BURGLARY: '220',
    'CRIMINAL DAMAGE AND ARSON': '290',
    DRUGS: '35A',
    'OTHER CRIME': 'other',
    'OTHER THEFT': '23H',
    'POSSESSION OF WEAPONS': '520',
    'PUBLIC ORDER': 'public-order',
    ROBBERY: '120',
    SHOPLIFTING: '23C',
    // pocket-picking and snatch thefts
    'THEFT FROM THE PERSON': '23A',
    // theft of and from vehicles together; the larger share is theft from
    'VEHICLE CRIME': '23F',
    'VIOLENCE AND SEXUAL OFFENCES': 'persons-other',
  },
  reportDateNote:
    'Month only and no report date: reportedAtMs is null (use occurredToMs, the end of the month).',
}
