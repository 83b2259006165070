import { EXPLORATION, INCLUDE } from './candidates.js'
import { maxStopsPerUnit, type Problem } from './problem.js'
import { travelS } from './travel-table.js'

const EPS = 1e-6

/**
 * The routes under search and everything derived from them: each unit's schedule, the share of
 * each (candidate, bucket) cell covered so far, and each candidate's dwells. `setRoute` is the only
 * way to change a route; it checks every rule and keeps the plan value exact (up to float error).
 * A class because it is built once and changed in place millions of times.
 */
export class PlanState {
  readonly problem: Problem
  readonly stops: Int32Array[]
  readonly length: Int32Array
  readonly arrive: Float64Array[]
  readonly leave: Float64Array[]
  readonly finish: Float64Array
  /**
   * Earliest start of the dwell at each route position (seconds; 0 = none): a unit with nothing
   * worth doing waits for the next hour. Holds belong to positions, not stops: a move that shifts
   * stops leaves them where they are (any hold still gives a valid schedule), and the search may
   * drop one.
   */
  readonly hold: Float64Array[]
  readonly cover: Float64Array
  value = 0
  explorationStops = 0
  totalStops = 0
  /** Off while routes are built one by one; on during the search. */
  enforceShare = false
  /** Why the last setRoute returned NaN. */
  lastFailure: 'time' | 'rule' | undefined
  /** Dwells per candidate: flat [unit, arriveS, leaveS, …]. */
  private readonly visits: number[][]
  private readonly seen: Int32Array
  private readonly seenCount: Int32Array
  private readonly seenLeave: Float64Array
  private readonly others: Int32Array
  /** Dwells per candidate, all units; and per unit: ownCount[u * candidates + cp]. */
  private readonly dwellCount: Int32Array
  private readonly ownCount: Int32Array
  private stamp = 0
  private readonly newArrive: Float64Array
  private readonly newLeave: Float64Array
  private pending:
    { u: number; next: Int32Array; m: number; from: number; delta: number } | undefined
  private readonly logCell: Int32Array
  private readonly logValue: Float64Array
  private logged = 0

  constructor(problem: Problem) {
    this.problem = problem
    const capacity = maxStopsPerUnit(problem) + 1
    const units = problem.units.length
    const cps = problem.candidates.places.length
    this.stops = Array.from({ length: units }, () => new Int32Array(capacity))
    this.arrive = Array.from({ length: units }, () => new Float64Array(capacity))
    this.leave = Array.from({ length: units }, () => new Float64Array(capacity))
    this.hold = Array.from({ length: units }, () => new Float64Array(capacity))
    this.length = new Int32Array(units)
    this.finish = Float64Array.from(problem.units, (u) => u.legs.directS)
    this.cover = new Float64Array(cps * problem.buckets.count)
    this.visits = Array.from({ length: cps }, () => [])
    this.seen = new Int32Array(cps)
    this.seenCount = new Int32Array(cps)
    this.seenLeave = new Float64Array(cps)
    this.others = new Int32Array(cps)
    this.dwellCount = new Int32Array(cps)
    this.ownCount = new Int32Array(units * cps)
    this.newArrive = new Float64Array(capacity)
    this.newLeave = new Float64Array(capacity)
    // a dwell touches at most every bucket; a proposal removes and adds at most a route each
    this.logCell = new Int32Array(2 * capacity * (problem.buckets.count + 1))
    this.logValue = new Float64Array(this.logCell.length)
  }

  /** Seconds a dwell on edge `e` of unit `u`'s table lasts. */
  dwellOf(u: number, e: number): number {
    return this.problem.edgeDwellS[this.problem.units[u].group][e]
  }

  /** Dwells on candidate `cp`, all units. */
  dwellsOn(cp: number): number {
    return this.dwellCount[cp]
  }

  /** What a dwell on candidate `cp` over [a, b) would add to the value now. */
  gainOf(cp: number, a: number, b: number): number {
    let gain = 0
    const { count, widthS } = this.problem.buckets
    const base = cp * count
    for (let k = Math.min(count - 1, Math.floor(a / widthS)); k < count; k++) {
      const lo = k === 0 ? a : Math.max(a, k * widthS)
      const hi = k === count - 1 ? b : Math.min(b, (k + 1) * widthS)
      if (hi <= lo) break
      const c = this.cover[base + k]
      if (c < 1) gain += this.problem.prize[base + k] * (Math.min(1, c + (hi - lo) / (b - a)) - c)
    }
    return gain
  }

  /** Whether a dwell on `cp` over [a, b) keeps the revisit gap and the cap against every route. */
  canDwell(cp: number, a: number, b: number): boolean {
    const list = this.visits[cp]
    if (this.dwellCount[cp] >= this.problem.maxDwells) return false
    const gap = this.problem.minGapS
    for (let i = 0; i < list.length; i += 3) {
      if (a < list[i + 2] + gap - EPS && list[i + 1] < b + gap - EPS) return false
    }
    return true
  }

  /**
   * Makes unit `u`'s route `next[0…m)`, which equals the current route before index `from`.
   * Returns the change in plan value, or NaN (state untouched) when the new route breaks a rule:
   * shift end, revisit gap, per-place cap, a dropped include, or the exploration share.
   */
  setRoute(u: number, next: Int32Array, m: number, from: number): number {
    const delta = this.propose(u, next, m, from)
    if (!Number.isNaN(delta)) this.commit()
    return delta
  }

  /**
   * Like setRoute, but only the covered shares change: follow with `commit` to keep the route or
   * `revert` to drop it (cheaper than setting the old route back).
   */
  propose(u: number, next: Int32Array, m: number, from: number): number {
    this.lastFailure = 'time'
    if (!this.schedule(u, next, m, from)) return NaN
    this.lastFailure = 'rule'
    if (!this.rulesHold(u, next, m, from)) return NaN
    this.lastFailure = undefined
    this.logged = 0
    const table = this.problem.tables[this.problem.units[u].group]
    const old = this.stops[u]
    let delta = 0
    for (let i = from; i < this.length[u]; i++) {
      delta += this.addShares(table.cp[old[i]], this.arrive[u][i], this.leave[u][i], -1)
    }
    for (let i = from; i < m; i++) {
      delta += this.addShares(table.cp[next[i]], this.newArrive[i], this.newLeave[i], 1)
    }
    this.pending = { u, next, m, from, delta }
    return delta
  }

  /**
   * Empties every route without checking any rule (emptying routes one by one through setRoute
   * fails when a unit holds the only dwell on an include place): nothing covered, no dwells.
   * Holds stay as they are.
   */
  clear(): void {
    this.pending = undefined
    this.logged = 0
    this.lastFailure = undefined
    this.length.fill(0)
    this.problem.units.forEach((unit, u) => (this.finish[u] = unit.legs.directS))
    this.cover.fill(0)
    for (const list of this.visits) list.length = 0
    this.dwellCount.fill(0)
    this.ownCount.fill(0)
    this.value = 0
    this.explorationStops = 0
    this.totalStops = 0
  }

  /** Keeps the proposed route. */
  commit(): void {
    const { u, next, m, from, delta } = this.pending!
    this.pending = undefined
    const { problem } = this
    const table = problem.tables[problem.units[u].group]
    const kind = problem.candidates.kind
    const old = this.stops[u]
    const arrive = this.arrive[u]
    const leave = this.leave[u]
    const own = u * this.dwellCount.length
    for (let i = from; i < this.length[u]; i++) {
      const cp = table.cp[old[i]]
      this.removeVisit(cp, u, arrive[i])
      this.dwellCount[cp]--
      this.ownCount[own + cp]--
      if (kind[cp] === EXPLORATION) this.explorationStops--
    }
    for (let i = from; i < m; i++) {
      const cp = table.cp[next[i]]
      this.visits[cp].push(u, this.newArrive[i], this.newLeave[i])
      this.dwellCount[cp]++
      this.ownCount[own + cp]++
      if (kind[cp] === EXPLORATION) this.explorationStops++
    }
    old.set(next.subarray(from, m), from)
    arrive.set(this.newArrive.subarray(from, m), from)
    leave.set(this.newLeave.subarray(from, m), from)
    this.totalStops += m - this.length[u]
    this.length[u] = m
    const legs = problem.units[u].legs
    this.finish[u] = m === 0 ? legs.directS : leave[m - 1] + legs.endS[old[m - 1]]
    this.value += delta
  }

  /** Drops the proposed route: the covered shares return to their exact former values. */
  revert(): void {
    this.pending = undefined
    for (let i = this.logged - 1; i >= 0; i--) this.cover[this.logCell[i]] = this.logValue[i]
    this.logged = 0
  }

  private schedule(u: number, next: Int32Array, m: number, from: number): boolean {
    const { problem } = this
    const unit = problem.units[u]
    const table = problem.tables[unit.group]
    const dwell = problem.edgeDwellS[unit.group]
    const { newArrive, newLeave } = this
    const hold = this.hold[u]
    const shiftS = problem.buckets.shiftS + EPS
    newArrive.set(this.arrive[u].subarray(0, from))
    newLeave.set(this.leave[u].subarray(0, from))
    let t = from === 0 ? 0 : newLeave[from - 1]
    for (let i = from; i < m; i++) {
      const e = next[i]
      t += i === 0 ? unit.legs.startS[e] : travelS(table, next[i - 1], e)
      if (t < hold[i]) t = hold[i]
      newArrive[i] = t
      t += dwell[e]
      newLeave[i] = t
      if (t > shiftS) return false
    }
    const finish = m === 0 ? unit.legs.directS : newLeave[m - 1] + unit.legs.endS[next[m - 1]]
    return finish <= shiftS
  }

  private rulesHold(u: number, next: Int32Array, m: number, from: number): boolean {
    const { problem, seen, seenCount, seenLeave, others, newArrive, newLeave } = this
    const table = problem.tables[problem.units[u].group]
    const kind = problem.candidates.kind
    const gap = problem.minGapS
    const cps = this.dwellCount.length
    const stamp = ++this.stamp
    let explorationDelta = 0
    for (let i = 0; i < m; i++) {
      const cp = table.cp[next[i]]
      if (seen[cp] !== stamp) {
        seen[cp] = stamp
        seenCount[cp] = 0
        others[cp] = this.dwellCount[cp] - this.ownCount[u * cps + cp]
      } else if (newArrive[i] < seenLeave[cp] + gap - EPS) return false
      seenLeave[cp] = newLeave[i]
      if (++seenCount[cp] + others[cp] > problem.maxDwells) return false
      if (i >= from && others[cp] > 0 && !this.clearOfOthers(u, cp, newArrive[i], newLeave[i])) {
        return false
      }
      if (i >= from && kind[cp] === EXPLORATION) explorationDelta++
    }
    const old = this.stops[u]
    for (let i = from; i < this.length[u]; i++) {
      const cp = table.cp[old[i]]
      if (kind[cp] === EXPLORATION) explorationDelta--
      if (
        kind[cp] === INCLUDE &&
        seen[cp] !== stamp &&
        this.dwellCount[cp] === this.ownCount[u * cps + cp]
      ) {
        return false
      }
    }
    if (!this.enforceShare || (explorationDelta === 0 && m === this.length[u])) return true
    const share = problem.explorationShare
    const before = Math.abs(this.explorationStops - share * this.totalStops)
    const total = this.totalStops + m - this.length[u]
    const after = Math.abs(this.explorationStops + explorationDelta - share * total)
    return after <= 1 + EPS || after <= before + EPS
  }

  private clearOfOthers(u: number, cp: number, a: number, b: number): boolean {
    const list = this.visits[cp]
    const gap = this.problem.minGapS
    for (let i = 0; i < list.length; i += 3) {
      if (list[i] === u) continue
      if (a < list[i + 2] + gap - EPS && list[i + 1] < b + gap - EPS) return false
    }
    return true
  }

  private addShares(cp: number, a: number, b: number, sign: number): number {
    const { count, widthS } = this.problem.buckets
    const base = cp * count
    let delta = 0
    for (let k = Math.min(count - 1, Math.floor(a / widthS)); k < count; k++) {
      const lo = k === 0 ? a : Math.max(a, k * widthS)
      const hi = k === count - 1 ? b : Math.min(b, (k + 1) * widthS)
      if (hi <= lo) break
      const before = this.cover[base + k]
      const after = before + (sign * (hi - lo)) / (b - a)
      this.logCell[this.logged] = base + k
      this.logValue[this.logged++] = before
      this.cover[base + k] = after
      delta += this.problem.prize[base + k] * (Math.min(1, after) - Math.min(1, before))
    }
    return delta
  }

  private removeVisit(cp: number, u: number, a: number): void {
    const list = this.visits[cp]
    for (let i = 0; i < list.length; i += 3) {
      if (list[i] === u && list[i + 1] === a) {
        list.splice(i, 3)
        return
      }
    }
  }
}
