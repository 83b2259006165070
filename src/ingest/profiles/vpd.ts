import type { Profile } from '../types.js'

/** Vancouver Police Department GeoDASH open data (crimedata_csv_AllNeighbourhoods_<year>.csv). */
export const VPD: Profile = {
  name: 'vpd',
  description:
    'Vancouver PD GeoDASH export: YEAR/MONTH/DAY/HOUR/MINUTE columns, X/Y in UTM zone 10N metres (EPSG:26910); X = Y = 0 marks privacy-suppressed rows.',
  timezone: 'America/Vancouver',
  fingerprint: ['type', 'year', 'month', 'day', 'hour', 'minute', 'hundred_block', 'x', 'y'],
  mapping: {
    category: 'TYPE',
    occurredFrom: {
      kind: 'parts',
      year: 'YEAR',
      month: 'MONTH',
      day: 'DAY',
      hour: 'HOUR',
      minute: 'MINUTE',
    },
    location: { kind: 'xy', x: 'X', y: 'Y', epsg: 26910 },
    neighbourhood: 'NEIGHBOURHOOD',
    address: 'HUNDRED_BLOCK',
  },
  categoryMap: {
    'THEFT FROM VEHICLE': '23F',
    'OTHER THEFT': '23H',
    'THEFT OF BICYCLE': '23H',
    MISCHIEF: '290',
    'BREAK AND ENTER COMMERCIAL': '220',
    'BREAK AND ENTER RESIDENTIAL/OTHER': '220',
    'THEFT OF VEHICLE': '240',
    'OFFENCE AGAINST A PERSON': 'persons-other',
    HOMICIDE: '09A',
    'VEHICLE COLLISION OR PEDESTRIAN STRUCK (WITH FATALITY)': 'collision',
    'VEHICLE COLLISION OR PEDESTRIAN STRUCK (WITH INJURY)': 'collision',
  },
  reportDateNote:
    'VPD publishes no report date and no record id: reportedAtMs is null (use occurredToMs) and rows are not de-duplicated.',
}
