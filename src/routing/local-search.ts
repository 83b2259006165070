import { EXPLORATION } from './candidates.js'
import type { PlanState } from './plan-state.js'
import { randomInt, type Random } from './random.js'
import { MOVE_TABLE, DEFAULT_MOVE_WEIGHTS, type Move } from './search-moves.js'
import { NEAREST, travelS } from './travel-table.js'

/** Draws pickEdge makes to find a place not yet covered in the hour. */
const PICK_DRAWS = 4

/** Tunables of the annealing. */
export interface AnnealingOptions {
  /** Start and end temperature, as shares of the mean value of a stop; default 0.5 → 0.002. */
  readonly startTemperature?: number
  readonly endTemperature?: number
  /** Relative weight of each move, by name; default DEFAULT_MOVE_WEIGHTS. */
  readonly moveWeights?: Readonly<Record<string, number>>
}

/**
 * Simulated annealing over the routes in a PlanState. Each iteration draws one move (search-moves.ts:
 * replace a stop, insert one, flip a stop's direction, reverse a run of stops, shift a stop within
 * its route, replace every visit of a place, swap stops between routes, drop a wait), proposes it
 * to the state (which rejects anything that breaks a rule) and keeps it if the value rises, or
 * with probability e^(Δ/T) if it falls; T cools geometrically over the iterations. The best
 * routes seen are kept. Run it in slices (`run`) so a caller can look at a deadline or an
 * AbortSignal in between, and `fitTo` a deadline (the cooling then completes sooner).
 *
 * Tried and dropped on Atlanta (6 days × 2 seeds, equal CPU time): regrowing a route's tail with a
 * noisy greedy, removing a stop with or without a greedy append (each lowered the mean value), and
 * exchanging two routes' tails at the same clock time.
 */
export class LocalSearch {
  readonly state: PlanState
  readonly random: Random
  iterations: number
  readonly budget: number
  done = 0
  private temperature = 0
  private readonly scale: number
  private readonly best: Int32Array[]
  private readonly bestHold: Float64Array[]
  private readonly bestLength: Int32Array
  private bestValue: number
  private readonly saved: Int32Array[]
  /** Scratch routes for the moves. */
  readonly buffer: Int32Array
  readonly buffer2: Int32Array
  private readonly startTemperature: number
  private readonly endTemperature: number
  private readonly moves: Move[]

  constructor(
    state: PlanState,
    random: Random,
    iterations: number,
    options: AnnealingOptions = {},
  ) {
    this.startTemperature = options.startTemperature ?? 0.5
    this.endTemperature = options.endTemperature ?? 0.002
    const weights = options.moveWeights ?? DEFAULT_MOVE_WEIGHTS
    this.moves = Object.entries(MOVE_TABLE).flatMap(([name, move]) =>
      Array.from({ length: weights[name] ?? 0 }, () => move),
    )
    this.state = state
    this.random = random
    this.iterations = iterations
    this.budget = iterations
    this.scale = state.totalStops > 0 ? state.value / state.totalStops : 0
    this.best = state.stops.map((s) => s.slice())
    this.bestHold = state.hold.map((h) => h.slice())
    this.bestLength = state.length.slice()
    this.bestValue = state.value
    this.saved = state.stops.map((s) => s.slice())
    const capacity = state.stops[0]?.length ?? 0
    this.buffer = new Int32Array(capacity)
    this.buffer2 = new Int32Array(capacity)
  }

  /** Runs up to `steps` iterations; true once the iteration budget is spent. */
  run(steps: number): boolean {
    const { state } = this
    const units = state.length.length
    if (units === 0 || this.scale === 0) return true
    const end = Math.min(this.iterations, this.done + steps)
    for (; this.done < end; this.done++) {
      const progress = this.done / this.iterations
      this.temperature =
        this.scale *
        this.startTemperature *
        Math.pow(this.endTemperature / this.startTemperature, progress)
      const move = this.moves[randomInt(this.random, this.moves.length)]
      if (Number.isNaN(move(this))) continue
      if (state.value > this.bestValue + 1e-12) this.keepBest()
    }
    return this.done >= this.iterations
  }

  /** Sets the iterations to run in all: at least those done, at most the budget given at the start. */
  fitTo(iterations: number): void {
    this.iterations = Math.max(this.done, Math.min(this.budget, Math.floor(iterations)))
  }

  /** Puts the best routes seen back into the state. */
  restoreBest(): void {
    const { state } = this
    state.enforceShare = false
    // not setRoute(u, [], …): emptying a unit that holds the only dwell on an include place fails
    state.clear()
    for (let u = 0; u < state.length.length; u++) {
      state.hold[u].set(this.bestHold[u])
      // an empty route stays as cleared (setting it fails for a unit that cannot return in time)
      if (this.bestLength[u] === 0) continue
      // the best routes met every rule together, so each meets them beside those set before it
      if (Number.isNaN(state.setRoute(u, this.best[u], this.bestLength[u], 0))) {
        state.enforceShare = true
        throw new Error(
          `Internal error: the best route of unit ${u} breaks a rule (${state.lastFailure}) when restored.`,
        )
      }
    }
    state.enforceShare = true
  }

  /** Saves route u so `undo` can put it back. */
  save(u: number): number {
    this.saved[u].set(this.state.stops[u].subarray(0, this.state.length[u]))
    return this.state.length[u]
  }

  /** Puts back route u as saved, from index `from` on. */
  undo(u: number, length: number, from: number): void {
    // the saved route met every rule with the other routes as they still are
    this.state.enforceShare = false
    this.state.setRoute(u, this.saved[u], length, from)
    this.state.enforceShare = true
  }

  /** Whether a value change of `delta` is kept. */
  accepts(delta: number): boolean {
    return delta >= 0 || this.random() < Math.exp(delta / this.temperature)
  }

  /** Candidate edge for position i of route u, between edges prev and next (−1: start or end). */
  pickEdge(u: number, i: number, prev: number, next: number): number {
    const { state, random } = this
    const { problem } = state
    const unit = problem.units[u]
    const table = problem.tables[unit.group]
    const { count, widthS } = problem.buckets
    const t = i < state.length[u] ? state.arrive[u][i] : i > 0 ? state.leave[u][i - 1] : 0
    const k = Math.min(count - 1, Math.floor(t / widthS))
    const nearby = random() < 0.5
    let e = -1
    // a place already covered in that hour gains nothing: a few draws find one that is not
    for (let draw = 0; draw < PICK_DRAWS; draw++) {
      if (nearby) {
        e =
          prev < 0
            ? (unit.legs.nearest[randomInt(random, unit.legs.nearest.length)] ?? -1)
            : table.nearest[prev * NEAREST + randomInt(random, NEAREST)]
      } else {
        const top = problem.candidates.topByBucket[k]
        if (top.length === 0) return -1
        const edges = table.edgesOfCp[top[Math.floor(random() * random() * top.length)]]
        e = edges.length ? edges[randomInt(random, edges.length)] : -1
      }
      if (e >= 0 && state.cover[table.cp[e] * count + k] < 0.999) break
    }
    if (e < 0 || problem.candidates.kind[table.cp[e]] === EXPLORATION) return -1
    return this.betterDirection(u, e, prev, next)
  }

  /** Edge e or its twin, whichever makes the detour prev → e → next shorter. */
  betterDirection(u: number, e: number, prev: number, next: number): number {
    const twin = this.state.problem.tables[this.state.problem.units[u].group].twin[e]
    if (twin < 0) return e
    return this.detour(u, twin, prev, next) < this.detour(u, e, prev, next) ? twin : e
  }

  private detour(u: number, e: number, prev: number, next: number): number {
    const unit = this.state.problem.units[u]
    const table = this.state.problem.tables[unit.group]
    const into = prev < 0 ? unit.legs.startS[e] : travelS(table, prev, e)
    const out = next < 0 ? unit.legs.endS[e] : travelS(table, e, next)
    return into + out
  }

  private keepBest(): void {
    const { state } = this
    for (let u = 0; u < state.length.length; u++) {
      this.best[u].set(state.stops[u].subarray(0, state.length[u]))
      this.bestHold[u].set(state.hold[u])
    }
    this.bestLength.set(state.length)
    this.bestValue = state.value
  }
}
