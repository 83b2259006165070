import { bucketLengthS, type ShiftBuckets } from './collect-rule.js'
import { topIndices } from './top-places.js'

/** Candidates per bucket, as a multiple of the bucket's dwell slots (20 an hour for 4 units × 12 min). */
export const CANDIDATES_PER_SLOT = 3

/** Why a candidate place is in the travel tables. */
export const RISK = 0
export const INCLUDE = 1
export const EXPLORATION = 2

/** The places the planner may dwell on; `cp` below indexes `places`. */
export interface CandidateSet {
  readonly places: Int32Array
  /** RISK, INCLUDE or EXPLORATION per candidate. */
  readonly kind: Uint8Array
  /** Per bucket, risk candidates (cp) by that bucket's prize, best first. */
  readonly topByBucket: ReadonlyArray<Int32Array>
}

/** What picking candidates reads. */
export interface CandidateInput {
  readonly rows: ReadonlyArray<ArrayLike<number>>
  readonly buckets: ShiftBuckets
  readonly units: number
  readonly dwellS: number
  /** Whether some unit's graph has a segment for the place and no one suppressed it. */
  readonly allowed: (place: number) => boolean
  readonly include: ReadonlyArray<number>
  /** Multiple of each bucket's slots to keep; default CANDIDATES_PER_SLOT. */
  readonly perSlot?: number
}

/**
 * The union of each bucket's top places (a few times the slots the units have in it) and the
 * include places. Deterministic; ties go to the lower place index.
 */
export function pickCandidates(input: CandidateInput): CandidateSet {
  const { rows, buckets, units, dwellS, allowed } = input
  const perSlot = input.perSlot ?? CANDIDATES_PER_SLOT
  const cpOf = new Map<number, number>()
  const places: number[] = []
  const kind: number[] = []
  const add = (place: number, k: number) => {
    let cp = cpOf.get(place)
    if (cp === undefined) {
      cp = places.length
      cpOf.set(place, cp)
      places.push(place)
      kind.push(k)
    }
    return cp
  }
  const topByBucket: Int32Array[] = []
  for (let k = 0; k < buckets.count; k++) {
    const slots = (units * bucketLengthS(buckets, k)) / dwellS
    const top = topIndices(rows[k], Math.ceil(slots * perSlot) + 8, allowed)
    topByBucket.push(Int32Array.from(top, (place) => add(place, RISK)))
  }
  for (const place of input.include) kind[add(place, INCLUDE)] = INCLUDE
  return { places: Int32Array.from(places), kind: Uint8Array.from(kind), topByBucket }
}

/** The set with `exploration` places appended (places already in it are skipped). */
export function withExploration(
  set: CandidateSet,
  exploration: ReadonlyArray<number>,
): CandidateSet {
  const known = new Set(set.places)
  const extra = exploration.filter((place) => !known.has(place))
  const places = Int32Array.from([...set.places, ...extra])
  const kind = Uint8Array.from([...set.kind, ...extra.map(() => EXPLORATION)])
  return { places, kind, topByBucket: set.topByBucket }
}
