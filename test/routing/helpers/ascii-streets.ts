import type { StreetSegment } from '../../../src/network/index.js'
import type { PatrolPlan, SegmentPosition } from '../../../src/routing/index.js'

/** Metres per character of a drawing, across and down. */
export const CELL_M = 20
/** Speed of every drawn street, km/h (so one character takes 2 s). */
export const DRAWN_SPEED_KMH = 36

const LAT0 = 33.75
const DEG_LAT_M = 111_320
const DEG_LON_M = DEG_LAT_M * Math.cos((LAT0 * Math.PI) / 180)

/** A street grid read from a drawing. */
export interface DrawnStreets {
  readonly segments: StreetSegment[]
  /** The digit drawn on each segment (0 when none): its prize in every hour. */
  readonly prizes: number[]
  /** Position of the `@` (the depot). */
  readonly depot: SegmentPosition
  /** Where each segment's label goes when a plan is drawn back: [row, column]. */
  readonly labelAt: Array<[number, number]>
  readonly lines: string[]
}

/**
 * Reads streets drawn in ASCII: `+` is an intersection; `-` and `|` are two-way streets;
 * `>` `<` `v` `^` make a street one-way in that direction; a digit on a street is its prize (expected
 * crimes per hour); `@` on a street is the depot. Street i runs between two `+` on one row or one
 * column; segments come in reading order (rows first, then columns).
 */
export function drawStreets(drawing: string): DrawnStreets {
  const lines = drawing.split('\n').filter((l) => l.trim().length > 0)
  const at = (r: number, c: number) => lines[r]?.[c] ?? ' '
  const segments: StreetSegment[] = []
  const prizes: number[] = []
  const labelAt: Array<[number, number]> = []
  let depot: SegmentPosition | undefined
  const read = (r: number, c: number, dr: number, dc: number, street: string) => {
    let k = 1
    let prize = 0
    let label: [number, number] = [r + dr, c + dc]
    let oneway: 'forward' | 'backward' | undefined
    let depotK = -1
    while (street.includes(at(r + k * dr, c + k * dc))) {
      const ch = at(r + k * dr, c + k * dc)
      if (/\d/.test(ch)) {
        prize = Number(ch)
        label = [r + k * dr, c + k * dc]
      }
      if (ch === '>' || ch === 'v') oneway = 'forward'
      if (ch === '<' || ch === '^') oneway = 'backward'
      if (ch === '@') depotK = k
      k++
    }
    if (k === 1 || at(r + k * dr, c + k * dc) !== '+') return
    const ends: Array<[number, number]> = [
      [r, c],
      [r + k * dr, c + k * dc],
    ]
    if (oneway === 'backward') ends.reverse()
    const index = segments.length
    segments.push(segmentOf(index, ends, oneway !== undefined))
    prizes.push(prize)
    labelAt.push(label)
    if (depotK >= 0) {
      const offsetK = oneway === 'backward' ? k - depotK : depotK
      depot = { segment: index, offsetM: offsetK * CELL_M }
    }
  }
  lines.forEach((line, r) => {
    for (let c = 0; c < line.length; c++) if (line[c] === '+') read(r, c, 0, 1, '-<>@0123456789')
  })
  lines.forEach((line, r) => {
    for (let c = 0; c < line.length; c++) if (line[c] === '+') read(r, c, 1, 0, '|^v@0123456789')
  })
  if (!depot) throw new Error('The drawing has no @ depot on a street.')
  return { segments, prizes, depot, labelAt, lines }
}

function segmentOf(index: number, ends: Array<[number, number]>, oneway: boolean): StreetSegment {
  const [[r0, c0], [r1, c1]] = ends
  const node = (r: number, c: number) => r * 1000 + c + 1
  const point = (r: number, c: number) =>
    [(c * CELL_M) / DEG_LON_M - 84.39, LAT0 - (r * CELL_M) / DEG_LAT_M] as const
  return {
    id: `s${index}`,
    wayId: index + 1,
    highway: 'residential',
    name: null,
    lengthM: (Math.abs(r1 - r0) + Math.abs(c1 - c0)) * CELL_M,
    speedKmh: DRAWN_SPEED_KMH,
    oneway,
    fromNodeId: node(r0, c0),
    toNodeId: node(r1, c1),
    geometry: [point(r0, c0), point(r1, c1)],
  }
}

/**
 * The drawing with each dwelt segment's label cell replaced by the letter of its first dwell
 * (a, b, c… in time order over all units).
 */
export function drawStops(streets: DrawnStreets, plan: PatrolPlan): string {
  const grid = streets.lines.map((l) => [...l])
  const stops = plan.units.flatMap((u) => u.stops).sort((a, b) => a.arriveMs - b.arriveMs)
  const seen = new Set<number>()
  stops.forEach((stop, i) => {
    if (seen.has(stop.segment)) return
    seen.add(stop.segment)
    const [r, c] = streets.labelAt[stop.segment]
    grid[r][c] = String.fromCharCode(97 + i)
  })
  return grid.map((row) => row.join('')).join('\n')
}
