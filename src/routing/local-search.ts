import { EXPLORATION } from './candidates.js'
import { extendGreedy } from './construct.js'
import type { PlanState } from './plan-state.js'
import { randomInt, type Random } from './random.js'
import { NEAREST, travelS } from './travel-table.js'

/** Start and end temperature of the annealing, as shares of the mean value of a stop. */
const START_TEMPERATURE = 0.3
const END_TEMPERATURE = 0.002
/** Noise of the greedy that regrows a route's tail. */
const REGROW_NOISE = 0.6

type Move = (search: LocalSearch) => number

/**
 * Simulated annealing over the routes in a PlanState. Each iteration proposes one move (replace,
 * insert, remove, flip, 2-opt, relocate within or between routes, swap between routes, regrow a
 * tail), applies it through `setRoute` (which rejects anything that breaks a rule) and keeps it
 * if the value rises, or with probability e^(Δ/T) if it falls. The best routes seen are kept.
 * Run it in slices (`run`) so a caller can check a deadline or an AbortSignal in between.
 */
export class LocalSearch {
  readonly state: PlanState
  readonly random: Random
  readonly iterations: number
  done = 0
  private temperature = 0
  private readonly scale: number
  private readonly best: Int32Array[]
  private readonly bestLength: Int32Array
  private bestValue: number
  private readonly saved: Int32Array[]
  readonly buffer: Int32Array
  readonly buffer2: Int32Array

  constructor(state: PlanState, random: Random, iterations: number) {
    this.state = state
    this.random = random
    this.iterations = iterations
    this.scale = state.totalStops > 0 ? state.value / state.totalStops : 0
    this.best = state.stops.map((s) => s.slice())
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
        this.scale * START_TEMPERATURE * Math.pow(END_TEMPERATURE / START_TEMPERATURE, progress)
      const move = MOVES[randomInt(this.random, MOVES.length)]
      if (Number.isNaN(move(this))) continue
      if (state.value > this.bestValue + 1e-12) this.keepBest()
    }
    return this.done >= this.iterations
  }

  /** Puts the best routes seen back into the state. */
  restoreBest(): void {
    const { state } = this
    state.enforceShare = false
    for (let u = 0; u < state.length.length; u++) state.setRoute(u, new Int32Array(0), 0, 0)
    for (let u = 0; u < state.length.length; u++) {
      state.setRoute(u, this.best[u], this.bestLength[u], 0)
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
    let e: number
    if (random() < 0.5) {
      e =
        prev < 0
          ? (unit.legs.nearest[randomInt(random, unit.legs.nearest.length)] ?? -1)
          : table.nearest[prev * NEAREST + randomInt(random, NEAREST)]
    } else {
      const t = i < state.length[u] ? state.arrive[u][i] : i > 0 ? state.leave[u][i - 1] : 0
      const k = Math.min(problem.buckets.count - 1, Math.floor(t / problem.buckets.widthS))
      const top = problem.candidates.topByBucket[k]
      if (top.length === 0) return -1
      const edges = table.edgesOfCp[top[Math.floor(random() * random() * top.length)]]
      e = edges.length ? edges[randomInt(random, edges.length)] : -1
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
    }
    this.bestLength.set(state.length)
    this.bestValue = state.value
  }
}

/** Tries route u = buffer[0…m) from `from`; keeps it or puts the old route back. NaN: not applied. */
function attempt(search: LocalSearch, u: number, m: number, from: number): number {
  const length = search.save(u)
  const delta = search.state.setRoute(u, search.buffer, m, from)
  if (Number.isNaN(delta)) return NaN
  if (search.accepts(delta)) return delta
  search.undo(u, length, from)
  return NaN
}

function copyRoute(search: LocalSearch, u: number): number {
  const n = search.state.length[u]
  search.buffer.set(search.state.stops[u].subarray(0, n))
  return n
}

const replace: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  const n = copyRoute(search, u)
  if (n === 0) return NaN
  const i = randomInt(random, n)
  const e = search.pickEdge(
    u,
    i,
    i > 0 ? search.buffer[i - 1] : -1,
    i + 1 < n ? search.buffer[i + 1] : -1,
  )
  if (e < 0 || e === search.buffer[i]) return NaN
  search.buffer[i] = e
  return attempt(search, u, n, i)
}

const insert: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  let n = copyRoute(search, u)
  const i = randomInt(random, n + 1)
  const e = search.pickEdge(u, i, i > 0 ? search.buffer[i - 1] : -1, i < n ? search.buffer[i] : -1)
  if (e < 0 || n + 1 >= search.buffer.length) return NaN
  search.buffer.copyWithin(i + 1, i, n)
  search.buffer[i] = e
  n++
  // a full route makes room by dropping its last stops
  for (let drops = 0; drops < 3 && n > i; drops++) {
    const length = search.save(u)
    const delta = state.setRoute(u, search.buffer, n, i)
    if (!Number.isNaN(delta)) {
      if (search.accepts(delta)) return delta
      search.undo(u, length, i)
      return NaN
    }
    if (state.lastFailure !== 'time') return NaN
    n--
  }
  return NaN
}

const remove: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  const n = copyRoute(search, u)
  if (n === 0) return NaN
  const i = randomInt(random, n)
  search.buffer.copyWithin(i, i + 1, n)
  const length = search.save(u)
  let delta = state.setRoute(u, search.buffer, n - 1, i)
  if (Number.isNaN(delta)) return NaN
  delta += extendGreedy(state, u, search.buffer2)
  if (search.accepts(delta)) return delta
  search.undo(u, length, Math.min(i, n - 1))
  return NaN
}

const flip: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  const n = copyRoute(search, u)
  if (n === 0) return NaN
  const i = randomInt(random, n)
  const twin = state.problem.tables[state.problem.units[u].group].twin[search.buffer[i]]
  if (twin < 0) return NaN
  search.buffer[i] = twin
  return attempt(search, u, n, i)
}

const reverse: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  const n = copyRoute(search, u)
  if (n < 2) return NaN
  const i = randomInt(random, n - 1)
  const j = Math.min(n - 1, i + 1 + randomInt(random, 8))
  const twin = state.problem.tables[state.problem.units[u].group].twin
  const b = search.buffer
  for (let x = i, y = j; x <= y; x++, y--) {
    const bx = b[x]
    const by = b[y]
    b[x] = twin[by] >= 0 ? twin[by] : by
    b[y] = twin[bx] >= 0 ? twin[bx] : bx
  }
  return attempt(search, u, n, i)
}

const shift: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  const n = copyRoute(search, u)
  if (n < 2) return NaN
  const i = randomInt(random, n)
  const j = randomInt(random, n)
  if (i === j) return NaN
  const b = search.buffer
  const e = b[i]
  if (i < j) b.copyWithin(i, i + 1, j + 1)
  else b.copyWithin(j + 1, j, i)
  b[j] = e
  return attempt(search, u, n, Math.min(i, j))
}

const regrow: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  const n = state.length[u]
  if (n === 0) return NaN
  const i = n - 1 - randomInt(random, Math.min(n, 6))
  const length = search.save(u)
  let delta = state.setRoute(u, state.stops[u], i, i)
  if (Number.isNaN(delta)) return NaN
  delta += extendGreedy(state, u, search.buffer2, REGROW_NOISE, random)
  if (search.accepts(delta)) return delta
  search.undo(u, length, i)
  return NaN
}

const MOVES: ReadonlyArray<Move> = [
  replace,
  replace,
  replace,
  insert,
  insert,
  remove,
  flip,
  reverse,
  shift,
  regrow,
]
