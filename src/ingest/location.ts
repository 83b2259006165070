import proj4 from 'proj4'
import type { RuleId } from './rules.js'
import type { LocationColumns } from './types.js'

/**
 * Coordinates of a row → WGS84 lon/lat, with the checks analysts' files need: empty or 0,0 means
 * "without location" (kept, not placed); projected numbers in degree columns and degrees in x/y
 * columns are caught; swapped lat/lon are fixed when the swap lands in the area. Without an
 * area a swap is only seen (and rejected, coord.swapped) when the latitude is past ±90°, like
 * Vancouver's -123.1,49.3; Atlanta's 33.75,-84.39 is a valid point either way and is taken as
 * written.
 */

/** proj4 definitions of the projected systems the profiles use (EPSG registry text). */
export const EPSG_DEFINITIONS: Readonly<Record<number, string>> = {
  // NAD83 / UTM zone 10N (Vancouver)
  26910: '+proj=utm +zone=10 +datum=NAD83 +units=m +no_defs',
  // NAD83 / Illinois East (ftUS) (Chicago)
  3435: '+proj=tmerc +lat_0=36.66666666666666 +lon_0=-88.33333333333333 +k=0.999975 +x_0=300000.0000000001 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=us-ft +no_defs',
  // OSGB 1936 / British National Grid
  27700:
    '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs',
  // WGS 84 / Pseudo-Mercator
  3857: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
}

/** x/y in the given EPSG system → [lon, lat] WGS84. @throws for an EPSG code not listed above. */
export function createProjector(epsg: number): (x: number, y: number) => [number, number] {
  const definition = EPSG_DEFINITIONS[epsg]
  if (definition === undefined) {
    throw new Error(
      `EPSG:${epsg} is not supported - use one of ${Object.keys(EPSG_DEFINITIONS).join(', ')} or convert the file to WGS84 lat/lon`,
    )
  }
  const converter = proj4(definition, 'EPSG:4326')
  return (x, y) => converter.forward([x, y]) as [number, number]
}

/** A WGS84 box in degrees, margin already added. */
export interface Area {
  readonly west: number
  readonly south: number
  readonly east: number
  readonly north: number
}

const METRES_PER_DEGREE = 111_320

/** The bbox [w, s, e, n] grown by `marginM` metres on every side. */
export function expandBbox(bbox: readonly [number, number, number, number], marginM: number): Area {
  const [west, south, east, north] = bbox
  const dLat = marginM / METRES_PER_DEGREE
  const midLat = ((south + north) / 2) * (Math.PI / 180)
  const dLon = marginM / (METRES_PER_DEGREE * Math.max(Math.cos(midLat), 0.01))
  return { west: west - dLon, south: south - dLat, east: east + dLon, north: north + dLat }
}

function inside(area: Area, lon: number, lat: number): boolean {
  return lon >= area.west && lon <= area.east && lat >= area.south && lat <= area.north
}

/** A finite number with '.' or a single ',' as the decimal mark; NaN otherwise (`1e999` too). */
export function parseCoordinate(text: string): number {
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(text)) return NaN
  const value = Number(text.replace(',', '.'))
  return Number.isFinite(value) ? value : NaN
}

/** Where a row's location landed. `rule` set → reject; otherwise `lon`/`lat` or without location. */
export interface LocationSlot {
  lon: number
  lat: number
  /** 'none': no usable value (kept without location); 'zero': 0,0 (kept without location). */
  status: 'ok' | 'none' | 'zero' | 'reject'
  swapped: boolean
  rule: RuleId
  column: string
  value: string
  message: string
}

/** Creates an empty slot to be reused row after row. */
export function createLocationSlot(): LocationSlot {
  return {
    lon: NaN,
    lat: NaN,
    status: 'none',
    swapped: false,
    rule: 'coord.invalid',
    column: '',
    value: '',
    message: '',
  }
}

type Cell = (fields: readonly string[], index: number) => string | undefined

/** Compiles a location reader for resolved column indexes; it fills the slot it is given. */
export function compileLocationReader(
  columns: LocationColumns,
  indexOf: (column: string) => number,
  cell: Cell,
  area: Area | undefined,
): (fields: readonly string[], slot: LocationSlot) => void {
  if (columns.kind === 'lonlat') {
    const lonAt = indexOf(columns.lon)
    const latAt = indexOf(columns.lat)
    return (fields, slot) => {
      if (!readPair(fields, cell, lonAt, latAt, columns.lon, columns.lat, slot)) return
      checkDegrees(slot, columns.lon, columns.lat, area)
    }
  }
  const xAt = indexOf(columns.x)
  const yAt = indexOf(columns.y)
  const project = cachedProjector(safeProjector(createProjector(columns.epsg)))
  return (fields, slot) => {
    if (!readPair(fields, cell, xAt, yAt, columns.x, columns.y, slot)) return
    const x = slot.lon
    const y = slot.lat
    if (Math.abs(x) <= 180 && Math.abs(y) <= 90) {
      return reject(
        slot,
        'coord.wrong-crs',
        columns.x,
        `${x},${y}`,
        `x/y ${x},${y} look like degrees, but the columns hold EPSG:${columns.epsg} values`,
      )
    }
    const [lon, lat] = project(x, y)
    if (!isDegrees(lon, lat)) {
      return reject(
        slot,
        'coord.out-of-range',
        columns.x,
        `${x},${y}`,
        `x/y ${x},${y} are outside EPSG:${columns.epsg}`,
      )
    }
    slot.lon = lon
    slot.lat = lat
    if (area && !inside(area, lon, lat)) {
      reject(
        slot,
        'coord.outside-area',
        columns.x,
        `${x},${y}`,
        `x/y ${x},${y} (${lon.toFixed(5)}, ${lat.toFixed(5)}) is outside the network area`,
      )
    }
  }
}

const MAX_CACHED_POINTS = 100_000 // distinct x/y pairs remembered (VPD repeats ~17k a year)

/** A lon/lat pair of finite numbers on the globe: |lon| ≤ 180, |lat| ≤ 90. */
function isDegrees(lon: number, lat: number): boolean {
  return Math.abs(lon) <= 180 && Math.abs(lat) <= 90
}

/**
 * The projection, never throwing: proj4 throws for some input (non-finite numbers, for one),
 * and that must reject the row (coord.out-of-range), not end the upload. [NaN, NaN] then.
 */
function safeProjector(
  project: (x: number, y: number) => [number, number],
): (x: number, y: number) => [number, number] {
  return (x, y) => {
    try {
      return project(x, y)
    } catch {
      return [NaN, NaN]
    }
  }
}

/** Remembers projected points: published x/y are block centroids that repeat thousands of times. */
function cachedProjector(
  project: (x: number, y: number) => [number, number],
): (x: number, y: number) => [number, number] {
  let byX = new Map<number, Map<number, [number, number]>>()
  let size = 0
  return (x, y) => {
    let byY = byX.get(x)
    const known = byY?.get(y)
    if (known !== undefined) return known
    if (size >= MAX_CACHED_POINTS) {
      byX = new Map()
      size = 0
      byY = undefined
    }
    if (byY === undefined) {
      byY = new Map()
      byX.set(x, byY)
    }
    const point = project(x, y)
    byY.set(y, point)
    size++
    return point
  }
}

/** Reads two numbers into slot.lon/slot.lat; false when the slot is already final (none/zero/reject). */
function readPair(
  fields: readonly string[],
  cell: Cell,
  firstAt: number,
  secondAt: number,
  firstName: string,
  secondName: string,
  slot: LocationSlot,
): boolean {
  slot.swapped = false
  const first = cell(fields, firstAt)
  const second = cell(fields, secondAt)
  if (first === undefined || second === undefined) {
    slot.status = 'none'
    return false
  }
  const a = parseCoordinate(first)
  const b = parseCoordinate(second)
  if (Number.isNaN(a) || Number.isNaN(b)) {
    const [name, text] = Number.isNaN(a) ? [firstName, first] : [secondName, second]
    reject(slot, 'coord.invalid', name, text, `${name} "${text}" is not a finite number`)
    return false
  }
  if (a === 0 && b === 0) {
    slot.status = 'zero'
    return false
  }
  slot.status = 'ok'
  slot.lon = a
  slot.lat = b
  return true
}

function checkDegrees(
  slot: LocationSlot,
  lonName: string,
  latName: string,
  area: Area | undefined,
): void {
  const { lon, lat } = slot
  if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    if (!area || inside(area, lon, lat)) return
    if (Math.abs(lon) <= 90 && inside(area, lat, lon)) return trySwap(slot, latName, area)
    const pair = `${lat},${lon}`
    return reject(
      slot,
      'coord.outside-area',
      latName,
      pair,
      `lat/lon ${pair} is outside the network area`,
    )
  }
  const pair = `${lat},${lon}`
  if (Math.abs(lat) > 1000 || Math.abs(lon) > 1000) {
    return reject(
      slot,
      'coord.wrong-crs',
      latName,
      pair,
      `lat/lon ${pair} look like projected metres or feet, not degrees`,
    )
  }
  if (Math.abs(lon) <= 90 && Math.abs(lat) <= 180) return trySwap(slot, latName, area)
  reject(slot, 'coord.out-of-range', latName, pair, `lat/lon ${pair} are beyond ±90°/±180°`)
}

function trySwap(slot: LocationSlot, latName: string, area: Area | undefined): void {
  const pair = `${slot.lat},${slot.lon}`
  const lon = slot.lat
  const lat = slot.lon
  // a swap is only fixed when the network area confirms it
  if (!area || !inside(area, lon, lat)) {
    const where = area ? 'still outside the network area' : 'unconfirmed (no network area given)'
    return reject(
      slot,
      'coord.swapped',
      latName,
      pair,
      `lat/lon ${pair} look swapped; swapped they are ${where}`,
    )
  }
  slot.lon = lon
  slot.lat = lat
  slot.swapped = true
}

function reject(
  slot: LocationSlot,
  rule: RuleId,
  column: string,
  value: string,
  message: string,
): void {
  slot.status = 'reject'
  slot.rule = rule
  slot.column = column
  slot.value = value
  slot.message = message
}
