import { haversineM } from '../../../src/network/haversine.js'
import type { RouteResult } from '../../../src/network/route.js'
import type { StreetSegment } from '../../../src/network/street-segment.js'

/**
 * Street grids drawn as text. Letters are intersections; `-` and `|` are two-way street cells,
 * `>` `<` `v` `^` one-way cells (the arrow is the allowed direction), `+` a bend. Every run of
 * cells between two letters is one segment (so two runs between the same letters are parallel
 * segments). One cell is CELL_M metres; segments run at 36 km/h, so a cell takes one second.
 */
export interface AsciiStreets {
  readonly segments: readonly StreetSegment[]
  /** Grid cells [row, col] of each segment, in geometry order, letters included. */
  readonly cells: ReadonlyArray<ReadonlyArray<readonly [number, number]>>
  readonly rows: readonly string[]
  /** [lon, lat] of a grid cell. */
  at(row: number, col: number): readonly [number, number]
}

export const CELL_M = 10
const DEG_PER_M = 180 / (Math.PI * 6_371_008.8)
const STEPS: Record<string, readonly [number, number]> = {
  '-': [0, 1],
  '>': [0, 1],
  '<': [0, 1],
  '|': [1, 0],
  v: [1, 0],
  '^': [1, 0],
}
const ARROWS: Record<string, readonly [number, number]> = {
  '>': [0, 1],
  '<': [0, -1],
  v: [1, 0],
  '^': [-1, 0],
}

/** Node id of a letter: its character code. */
export const nodeIdOf = (letter: string): number => letter.charCodeAt(0)

export function streetsFromAscii(drawing: string): AsciiStreets {
  const rows = drawing.split('\n').filter((row) => row.trim().length > 0)
  const charAt = (r: number, c: number) => rows[r]?.[c] ?? ' '
  const at = (r: number, c: number) => [c * CELL_M * DEG_PER_M, -r * CELL_M * DEG_PER_M] as const
  const isLetter = (ch: string) => /[A-Z]/.test(ch)
  const seen = new Set<string>()
  const segments: StreetSegment[] = []
  const cells: Array<Array<readonly [number, number]>> = []
  rows.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      if (!isLetter(row[c]!)) continue
      for (const [dr, dc] of [
        [0, 1],
        [1, 0],
        [0, -1],
        [-1, 0],
      ] as const) {
        const trace = traceRun(charAt, isLetter, r, c, dr, dc)
        if (trace === undefined) continue
        const key = trace.path
          .map(([a, b]) => `${a},${b}`)
          .sort()
          .join(' ')
        if (seen.has(key)) continue
        seen.add(key)
        const path = trace.against ? [...trace.path].reverse() : trace.path
        const geometry = path.map(([a, b]) => at(a, b))
        let lengthM = 0
        for (let i = 1; i < geometry.length; i++) {
          lengthM += haversineM(...geometry[i - 1]!, ...geometry[i]!)
        }
        const from = nodeIdOf(charAt(...path[0]!))
        const to = nodeIdOf(charAt(...path[path.length - 1]!))
        const wayId = segments.length + 1
        segments.push({
          id: `w${wayId}:${from}-${to}`,
          wayId,
          highway: 'residential',
          name: null,
          lengthM,
          speedKmh: 36,
          oneway: trace.oneway,
          fromNodeId: from,
          toNodeId: to,
          geometry,
        })
        cells.push(path)
      }
    }
  })
  return { segments, cells, rows, at }
}

function traceRun(
  charAt: (r: number, c: number) => string,
  isLetter: (ch: string) => boolean,
  r0: number,
  c0: number,
  dr0: number,
  dc0: number,
): { path: Array<readonly [number, number]>; oneway: boolean; against: boolean } | undefined {
  const fits = (ch: string, dr: number, dc: number) =>
    ch === '+' || (STEPS[ch] !== undefined && STEPS[ch]![0] === Math.abs(dr))
  let [r, c, dr, dc] = [r0 + dr0, c0 + dc0, dr0, dc0]
  if (!fits(charAt(r, c), dr, dc)) return undefined
  const path: Array<readonly [number, number]> = [[r0, c0]]
  let withArrow = 0
  let againstArrow = 0
  while (!isLetter(charAt(r, c))) {
    const ch = charAt(r, c)
    path.push([r, c])
    const arrow = ARROWS[ch]
    if (arrow !== undefined) {
      if (arrow[0] === dr && arrow[1] === dc) withArrow++
      else againstArrow++
    }
    if (ch === '+') {
      const turns = [
        [dc, dr],
        [-dc, -dr],
      ] as const
      const turn = turns.find(([tr, tc]) => {
        const next = charAt(r + tr, c + tc)
        return isLetter(next) || fits(next, tr, tc)
      })
      if (turn === undefined) return undefined
      ;[dr, dc] = turn
    }
    r += dr
    c += dc
  }
  path.push([r, c])
  if (withArrow > 0 && againstArrow > 0)
    throw new Error(`arrows disagree on the run at ${r0},${c0}`)
  return { path, oneway: withArrow + againstArrow > 0, against: againstArrow > 0 }
}

/** Draws only the streets a route uses (whole segments, end letters included). */
export function drawRoute(streets: AsciiStreets, route: RouteResult): string {
  const keep = new Set<string>()
  for (const step of route.steps) {
    for (const [r, c] of streets.cells[step.segment]!) keep.add(`${r},${c}`)
  }
  return streets.rows
    .map((row, r) =>
      [...row]
        .map((ch, c) => (keep.has(`${r},${c}`) ? ch : ' '))
        .join('')
        .trimEnd(),
    )
    .join('\n')
    .replace(/^\n+|\n+$/g, '')
}

/** Removes the common indentation of a template literal drawing. */
export function drawing(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim().length > 0)
  const indent = Math.min(...lines.map((l) => l.length - l.trimStart().length))
  return lines.map((l) => l.slice(indent).trimEnd()).join('\n')
}
