import { NIBRS_IDENTITY } from '../categories.js'
import type { Profile } from '../types.js'

/**
 * Atlanta Police Department COBRA exports (Part-I crimes). Three schemas: 2019, the old RMS
 * export of Jan–Sep 2020 ("2020-Old"), and the new RMS export used from Sep 2020 (2020, 2021,
 * 2022 files; lat/long order differs between years, so columns are found by name only).
 */

const APD_LITERALS: Readonly<Record<string, string>> = {
  'LARCENY-FROM VEHICLE': '23F',
  'LARCENY-NON VEHICLE': '23H',
  'AUTO THEFT': '240',
  'AGG ASSAULT': '13A',
  BURGLARY: '220',
  'BURGLARY-RESIDENCE': '220',
  'BURGLARY-NONRES': '220',
  ROBBERY: '120',
  'ROBBERY-PEDESTRIAN': '120',
  'ROBBERY-COMMERCIAL': '120',
  'ROBBERY-RESIDENCE': '120',
  HOMICIDE: '09A',
  MANSLAUGHTER: '09B',
}

const ZONE = 'America/New_York'
const REPORT_NOTE =
  'Report date (date only): the end of that local day is taken as the report time.'

/** COBRA 2019: YYYY-MM-DD dates, HHMM times, local IBR codes (e.g. 2305). */
export const APD_COBRA_2019: Profile = {
  name: 'apd-cobra-2019',
  description:
    'Atlanta PD COBRA 2019 export (Report Number, Occur Date YYYY-MM-DD, Occur Time HHMM).',
  timezone: ZONE,
  fingerprint: [
    'report number',
    'report date',
    'occur date',
    'occur time',
    'ucr literal',
    'ibr code',
  ],
  mapping: {
    id: 'Report Number',
    offenceCode: 'IBR Code',
    category: 'UCR Literal',
    occurredFrom: { kind: 'date-time', date: 'Occur Date', time: 'Occur Time', order: 'ymd' },
    occurredTo: { kind: 'date-time', date: 'Possible Date', time: 'Possible Time', order: 'ymd' },
    reportedAt: { kind: 'date-time', date: 'Report Date', order: 'ymd' },
    location: { kind: 'lonlat', lon: 'Longitude', lat: 'Latitude' },
    neighbourhood: 'Neighborhood',
    npu: 'NPU',
    beat: 'Beat',
    address: 'Location',
  },
  categoryMap: APD_LITERALS,
  reportDateNote: REPORT_NOTE,
}

/** Columns shared by both RMS exports of 2020 onwards (lower-case names, M/D/Y dates). */
const RMS_MAPPING = {
  id: 'offense_id',
  category: 'UC2_Literal',
  occurredFrom: { kind: 'date-time', date: 'occur_date', time: 'occur_time', order: 'mdy' },
  occurredTo: { kind: 'date-time', date: 'poss_date', time: 'poss_time', order: 'mdy' },
  reportedAt: { kind: 'date-time', date: 'rpt_date', order: 'mdy' },
  location: { kind: 'lonlat', lon: 'long', lat: 'lat' },
  neighbourhood: 'neighborhood',
  npu: 'npu',
  beat: 'beat',
  address: 'location',
} as const
const RMS_FINGERPRINT = ['offense_id', 'rpt_date', 'occur_date', 'occur_time', 'uc2_literal']

/** Old RMS export Jan–Sep 2020: M/D/YY dates, H:MM times, UCR numbers (e.g. 640). */
export const APD_COBRA_2020_OLD: Profile = {
  name: 'apd-cobra-2020-old',
  description:
    'Atlanta PD COBRA old-RMS export, Jan–Sep 2020 (offense_id, M/D/YY dates, UCR_Number).',
  timezone: ZONE,
  fingerprint: [...RMS_FINGERPRINT, 'ucr_number'],
  mapping: { ...RMS_MAPPING, offenceCode: 'UCR_Number' },
  categoryMap: APD_LITERALS,
  reportDateNote: REPORT_NOTE,
}

/** New RMS export from Sep 2020: M/D/YYYY dates, NIBRS ibr_code (e.g. 23F). */
export const APD_COBRA_2020: Profile = {
  name: 'apd-cobra-2020',
  description:
    'Atlanta PD COBRA new-RMS export, Sep 2020 onwards (offense_id, M/D/YYYY dates, NIBRS ibr_code).',
  timezone: ZONE,
  fingerprint: [...RMS_FINGERPRINT, 'ibr_code'],
  mapping: { ...RMS_MAPPING, offenceCode: 'ibr_code', canonicalCode: 'ibr_code' },
  categoryMap: APD_LITERALS,
  codeMap: NIBRS_IDENTITY,
  reportDateNote: REPORT_NOTE,
}
