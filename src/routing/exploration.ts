import { randomInt, type Random } from './random.js'

/** Side of the grid cells exploration stops are spread over, metres (a few blocks). */
export const EXPLORE_CELL_M = 400

/** What sampling exploration places reads. */
export interface ExplorationInput {
  /** Midpoint of each place in degrees; NaN for places no unit can reach. */
  readonly placeLon: Float64Array
  readonly placeLat: Float64Array
  /** Places that may be sampled: allowed, and not already a risk candidate. */
  readonly eligible: (place: number) => boolean
  /** The units' operating area [w, s, e, n], degrees; cells outside it are not sampled. */
  readonly area: readonly [number, number, number, number]
  readonly count: number
  readonly random: Random
}

/**
 * Samples up to `count` exploration places, at most one per grid cell: cells are drawn uniformly
 * (not by risk), then a place uniformly inside the cell, so every neighbourhood of the operating
 * area gets its turn and the data do not only confirm themselves. Fewer when the area has fewer
 * cells; empty for `count` 0.
 */
export function sampleExploration(input: ExplorationInput): number[] {
  const { placeLon, placeLat, eligible, area, count, random } = input
  if (count <= 0) return []
  const [west, south, east, north] = area
  const metresPerDegLat = 111_320
  const metresPerDegLon = metresPerDegLat * Math.cos((((south + north) / 2) * Math.PI) / 180)
  const cols = Math.max(1, Math.ceil(((east - west) * metresPerDegLon) / EXPLORE_CELL_M))
  const cells = new Map<number, number[]>()
  for (let place = 0; place < placeLon.length; place++) {
    const lon = placeLon[place]
    const lat = placeLat[place]
    if (!(lon >= west && lon <= east && lat >= south && lat <= north) || !eligible(place)) continue
    const col = Math.floor(((lon - west) * metresPerDegLon) / EXPLORE_CELL_M)
    const row = Math.floor(((lat - south) * metresPerDegLat) / EXPLORE_CELL_M)
    const key = row * cols + col
    const list = cells.get(key)
    if (list) list.push(place)
    else cells.set(key, [place])
  }
  const keys = [...cells.keys()].sort((a, b) => a - b)
  const picked: number[] = []
  for (let i = 0; i < keys.length && picked.length < count; i++) {
    const j = i + randomInt(random, keys.length - i)
    ;[keys[i], keys[j]] = [keys[j], keys[i]]
    const list = cells.get(keys[i])!
    picked.push(list[randomInt(random, list.length)])
  }
  return picked
}
