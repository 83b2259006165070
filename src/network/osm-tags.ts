import {
  CLOSED_ACCESS,
  DRIVE_SPEED_KMH,
  EXCLUDED_DRIVE_SERVICES,
  MAXSPEED_RANGE_KMH,
  WALKING_SPEED_KMH,
  type Profile,
} from './profiles.js'

type Tags = Readonly<Record<string, string>>

/** Direction(s) a mode may travel a way in, relative to its node order. */
export type WayDirection = 'both' | 'forward' | 'backward'

// most specific first: `motorcar=yes` reopens a way that `access=no` closes
const DRIVE_ACCESS_KEYS = ['motorcar', 'motor_vehicle', 'vehicle', 'access'] as const
const FOOT_ACCESS_KEYS = ['foot', 'access'] as const

/** `oneway` values of ways whose direction changes over the day: no fixed direction to drive. */
const TIMED_ONEWAY: ReadonlySet<string> = new Set(['reversible', 'alternating'])

/**
 * True when the profile keeps this way: its class, not an area, and (with filters) open to the
 * mode; drive with filters also leaves out `oneway=reversible|alternating` ways.
 */
export function isWayKept(tags: Tags, profile: Profile): boolean {
  const highway = tags.highway
  if (highway === undefined || !profile.highways.has(highway) || tags.area === 'yes') return false
  if (!profile.accessFilters) return true
  const keys = profile.mode === 'drive' ? DRIVE_ACCESS_KEYS : FOOT_ACCESS_KEYS
  const decisive = keys.find((key) => tags[key] !== undefined)
  if (decisive !== undefined && CLOSED_ACCESS.has(tags[decisive]!)) return false
  if (profile.mode === 'drive' && TIMED_ONEWAY.has(tags.oneway ?? '')) return false
  const service = tags.service
  return !(
    profile.mode === 'drive' &&
    service !== undefined &&
    EXCLUDED_DRIVE_SERVICES.has(service)
  )
}

/**
 * One-way reading: `oneway=yes|1|true` forward, `-1|reverse` backward, `no|false|0` both; any other
 * value or none: `junction=roundabout|circular` and `highway=motorway` imply forward. A roundabout,
 * circular junction or motorway tagged `oneway=no` follows `profile.roundaboutOnewayNo`. Foot
 * ignores one-ways; drive leaves `oneway=reversible|alternating` ways out (isWayKept).
 */
export function wayDirection(tags: Tags, profile: Profile): WayDirection {
  if (profile.oneway === 'ignore') return 'both'
  const implied =
    tags.junction === 'roundabout' || tags.junction === 'circular' || tags.highway === 'motorway'
  switch (tags.oneway) {
    case 'yes':
    case '1':
    case 'true':
      return 'forward'
    case '-1':
    case 'reverse':
      return 'backward'
    case 'no':
    case 'false':
    case '0':
      return implied && profile.roundaboutOnewayNo === 'one-way' ? 'forward' : 'both'
    default:
      return implied ? 'forward' : 'both'
  }
}

/**
 * Speed of a way for the profile, km/h: walking speed for foot; for drive the class default,
 * overridden by a valid `maxspeed` when the profile reads it.
 */
export function waySpeedKmh(tags: Tags, profile: Profile): number {
  if (profile.mode === 'foot') return WALKING_SPEED_KMH
  const byClass = DRIVE_SPEED_KMH[tags.highway ?? ''] ?? DRIVE_SPEED_KMH.road!
  if (!profile.maxspeed) return byClass
  return parseMaxspeedKmh(tags.maxspeed) ?? byClass
}

const SPEED = /^(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/i
const UNIT_KMH: Readonly<Record<string, number>> = { mph: 1.609344, knots: 1.852 }

/**
 * Parses an OSM `maxspeed` value to km/h: `50`, `50 km/h`, `30 mph`, `10 knots`. A list
 * (`50;30`, `50|30`) gives its lowest valid speed, so travel times are never optimistic.
 * Returns undefined for junk (`signals`, `none`, `walk`, zone codes like `RO:urban`) and for
 * values outside MAXSPEED_RANGE_KMH; the caller then uses the class default.
 */
export function parseMaxspeedKmh(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  let best: number | undefined
  for (const part of value.split(/[;|]/)) {
    const match = SPEED.exec(part.trim())
    if (match === null) continue
    const kmh = Number(match[1]) * (UNIT_KMH[(match[2] ?? '').toLowerCase()] ?? 1)
    if (kmh < MAXSPEED_RANGE_KMH[0] || kmh > MAXSPEED_RANGE_KMH[1]) continue
    best = best === undefined ? kmh : Math.min(best, kmh)
  }
  return best
}
