/** Travel mode of a street network: its own segments, one-way rules and speeds. */
export type Mode = 'drive' | 'foot'

/**
 * Default drive speed per `highway` class, km/h (the classic OSRM car profile's table). A valid
 * `maxspeed` tag overrides it (see parseMaxspeedKmh); the keys are also the drivable classes.
 */
export const DRIVE_SPEED_KMH: Readonly<Record<string, number>> = Object.freeze({
  motorway: 90,
  motorway_link: 45,
  trunk: 85,
  trunk_link: 40,
  primary: 65,
  primary_link: 30,
  secondary: 55,
  secondary_link: 25,
  tertiary: 40,
  tertiary_link: 20,
  unclassified: 25,
  residential: 25,
  living_street: 10,
  service: 15,
  road: 25,
})

/** One walking speed for every walkable class, km/h. */
export const WALKING_SPEED_KMH = 5

/** `maxspeed` values outside this range (km/h) are treated as junk and the class default is used. */
export const MAXSPEED_RANGE_KMH: readonly [number, number] = [5, 150]

/** Earth radius for haversine lengths, metres (IUGG mean radius, as in PROVENANCE). */
export const EARTH_RADIUS_M = 6_371_008.8

const NOT_WALKABLE = new Set(['motorway', 'motorway_link', 'trunk', 'trunk_link'])
const WALKING_ONLY = ['footway', 'path', 'pedestrian', 'steps', 'cycleway', 'track', 'bridleway']

/** Drivable `highway` classes. */
export const DRIVE_HIGHWAYS: ReadonlySet<string> = new Set(Object.keys(DRIVE_SPEED_KMH))

/** Walkable `highway` classes: drivable minus motorway/trunk (+links), plus paths. */
export const FOOT_HIGHWAYS: ReadonlySet<string> = new Set([
  ...[...DRIVE_HIGHWAYS].filter((h) => !NOT_WALKABLE.has(h)),
  ...WALKING_ONLY,
])

/** `service=*` values that drive routing leaves out (not streets a patrol car drives along). */
export const EXCLUDED_DRIVE_SERVICES: ReadonlySet<string> = new Set([
  'parking_aisle',
  'driveway',
  'drive-through',
])

/** Access values that close a way to the mode. */
export const CLOSED_ACCESS: ReadonlySet<string> = new Set(['no', 'private'])

/** The only way tags the reader keeps (everything a profile or a segment record reads). */
export const ROUTING_TAG_KEYS: ReadonlySet<string> = new Set([
  'highway',
  'name',
  'oneway',
  'junction',
  'area',
  'access',
  'vehicle',
  'motor_vehicle',
  'motorcar',
  'foot',
  'service',
  'maxspeed',
])

/** How a mode turns OSM ways into segments. */
export interface Profile {
  readonly name: string
  readonly mode: Mode
  readonly highways: ReadonlySet<string>
  /** Drop ways closed by access tags, and (drive) parking aisles/driveways/drive-throughs. */
  readonly accessFilters: boolean
  /** Whether one-way tags are read (drive) or ignored (foot). */
  readonly oneway: 'tags' | 'ignore'
  /** A roundabout tagged `oneway=no`: the explicit tag wins ('two-way', as OSM and OSRM read it) or the implied one-way does. */
  readonly roundaboutOnewayNo: 'two-way' | 'one-way'
  /** Whether `maxspeed` overrides the class speed (drive). */
  readonly maxspeed: boolean
}

/** Production drive profile: access filters, one-ways, maxspeed. */
export const DRIVE: Profile = Object.freeze({
  name: 'drive',
  mode: 'drive',
  highways: DRIVE_HIGHWAYS,
  accessFilters: true,
  oneway: 'tags',
  roundaboutOnewayNo: 'two-way',
  maxspeed: true,
})

/** Production foot profile: access filters (`foot=*` over `access=*`), one-ways ignored. */
export const FOOT: Profile = Object.freeze({
  name: 'foot',
  mode: 'foot',
  highways: FOOT_HIGHWAYS,
  accessFilters: true,
  oneway: 'ignore',
  roundaboutOnewayNo: 'two-way',
  maxspeed: false,
})

/** Drive as PROVENANCE.md counts it: no access/service filters, a roundabout is one-way whatever `oneway` says. */
export const DRIVE_AS_PROVENANCE: Profile = Object.freeze({
  ...DRIVE,
  name: 'drive-as-provenance',
  accessFilters: false,
  roundaboutOnewayNo: 'one-way',
  maxspeed: false,
})

/** Foot as PROVENANCE.md counts it: no access filters. */
export const FOOT_AS_PROVENANCE: Profile = Object.freeze({
  ...FOOT,
  name: 'foot-as-provenance',
  accessFilters: false,
})

/** The graph routing-peers.md timed: PROVENANCE's drive, but `oneway=no` wins on roundabouts. */
export const DRIVE_PEER_PROTOCOL: Profile = Object.freeze({
  ...DRIVE_AS_PROVENANCE,
  name: 'drive-peer-protocol',
  roundaboutOnewayNo: 'two-way',
})

/** Every named profile, for a CLI `--profile` option. */
export const PROFILES: Readonly<Record<string, Profile>> = Object.freeze({
  drive: DRIVE,
  foot: FOOT,
  'drive-as-provenance': DRIVE_AS_PROVENANCE,
  'foot-as-provenance': FOOT_AS_PROVENANCE,
  'drive-peer-protocol': DRIVE_PEER_PROTOCOL,
})
