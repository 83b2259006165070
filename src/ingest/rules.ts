/** Longest source id or local category accepted: both are part of the incident's unique key. */
export const MAX_KEY_CHARS = 200

/** Stable ids of the row rules; rejects and the summary's per-rule counts use them. */
export type RuleId =
  | 'row.columns'
  | 'row.malformed'
  | 'row.nul-byte'
  | 'required'
  | 'value.too-long'
  | 'date.invalid'
  | 'date.before-floor'
  | 'date.future'
  | 'date.window-inverted'
  | 'date.after-report'
  | 'coord.invalid'
  | 'coord.out-of-range'
  | 'coord.wrong-crs'
  | 'coord.swapped'
  | 'coord.outside-area'

/** A rule id with the sentence the API and the rejects report show for it. */
export interface RuleDescription {
  readonly id: RuleId
  readonly description: string
}

/**
 * Every row rule, in the order a row is checked; a row is rejected by the first rule it breaks.
 * Not rules (counted, never rejected): rows without location (empty or 0,0), duplicates within
 * the file, swapped lat/lon that land inside the area, occurrence ends cut back to the report time.
 */
export const RULES: ReadonlyArray<RuleDescription> = [
  { id: 'row.columns', description: 'The row has more or fewer fields than the header.' },
  {
    id: 'row.malformed',
    description: 'A quote inside an unquoted field or after a closing quote; the row is skipped.',
  },
  {
    id: 'row.nul-byte',
    description: 'A field holds a NUL character (U+0000), which the database cannot store.',
  },
  { id: 'required', description: 'The category or the occurrence date is empty.' },
  {
    id: 'value.too-long',
    description: `The source id or the category is longer than ${MAX_KEY_CHARS} characters (a mapping pointing at the wrong column?).`,
  },
  {
    id: 'date.invalid',
    description: 'A date or time that does not parse or does not exist (02/30/2021, 25:00).',
  },
  { id: 'date.before-floor', description: 'A date before the floor (default 2000-01-01).' },
  { id: 'date.future', description: 'A date after the upload time.' },
  { id: 'date.window-inverted', description: 'The occurrence end is before its start.' },
  { id: 'date.after-report', description: 'The occurrence starts after the report time.' },
  { id: 'coord.invalid', description: 'A coordinate that is not a finite number.' },
  {
    id: 'coord.out-of-range',
    description: 'Latitude beyond ±90° or longitude beyond ±180° (also once projected).',
  },
  {
    id: 'coord.wrong-crs',
    description: 'Projected values (metres, feet) in degree columns, or degrees in x/y columns.',
  },
  {
    id: 'coord.swapped',
    description: 'Latitude and longitude are swapped and the swapped point is outside the area.',
  },
  { id: 'coord.outside-area', description: 'The point is outside the network bbox plus margin.' },
]
