import type { LocalSearch } from './local-search.js'
import { randomInt } from './random.js'

/** A move: changes one or two routes through the search, returns the value change or NaN (none). */
export type Move = (search: LocalSearch) => number

/** Proposes route u = buffer[0…m) from `from`; commits it if accepted. NaN: not applied. */
function attempt(search: LocalSearch, u: number, m: number, from: number): number {
  const { state } = search
  const delta = state.propose(u, search.buffer, m, from)
  if (Number.isNaN(delta)) return NaN
  if (search.accepts(delta)) {
    state.commit()
    return delta
  }
  state.revert()
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
    const delta = attempt(search, u, n, i)
    if (!Number.isNaN(delta) || state.lastFailure !== 'time') return delta
    n--
  }
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

const replaceAll: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  const n = copyRoute(search, u)
  if (n === 0) return NaN
  const i = randomInt(random, n)
  const b = search.buffer
  const table = state.problem.tables[state.problem.units[u].group]
  const old = table.cp[b[i]]
  const e = search.pickEdge(u, i, i > 0 ? b[i - 1] : -1, i + 1 < n ? b[i + 1] : -1)
  if (e < 0 || table.cp[e] === old) return NaN
  let from = n
  // a route that orbits a cluster visits a place once an hour: swap every visit at once
  for (let j = 0; j < n; j++) {
    if (table.cp[b[j]] !== old) continue
    b[j] = search.betterDirection(u, e, j > 0 ? b[j - 1] : -1, j + 1 < n ? b[j + 1] : -1)
    from = Math.min(from, j)
  }
  return attempt(search, u, n, from)
}

const swapBetween: Move = (search) => {
  const { state, random } = search
  const units = state.length.length
  const u = randomInt(random, units)
  const v = randomInt(random, units)
  const groupOf = (x: number) => state.problem.units[x].group
  if (u === v || groupOf(u) !== groupOf(v) || state.length[u] === 0 || state.length[v] === 0) {
    return NaN
  }
  const i = randomInt(random, state.length[u])
  const j = randomInt(random, state.length[v])
  const eu = state.stops[u][i]
  const ev = state.stops[v][j]
  const lengthU = search.save(u)
  let delta = setStop(search, u, i, ev)
  if (Number.isNaN(delta)) return NaN
  const lengthV = search.save(v)
  const second = setStop(search, v, j, eu)
  if (!Number.isNaN(second)) {
    delta += second
    if (search.accepts(delta)) return delta
    search.undo(v, lengthV, j)
  }
  search.undo(u, lengthU, i)
  return NaN
}

/** Puts edge e (or its twin, whichever fits better) at position i of route u, for good. */
function setStop(search: LocalSearch, u: number, i: number, e: number): number {
  const n = copyRoute(search, u)
  const b = search.buffer
  b[i] = search.betterDirection(u, e, i > 0 ? b[i - 1] : -1, i + 1 < n ? b[i + 1] : -1)
  return search.state.setRoute(u, b, n, i)
}

const dropHold: Move = (search) => {
  const { state, random } = search
  const u = randomInt(random, state.length.length)
  const n = copyRoute(search, u)
  if (n === 0) return NaN
  const i = randomInt(random, n)
  const hold = state.hold[u][i]
  if (hold === 0) return NaN
  state.hold[u][i] = 0
  const delta = attempt(search, u, n, i)
  if (Number.isNaN(delta)) state.hold[u][i] = hold
  return delta
}

/** The moves by name. */
export const MOVE_TABLE: Readonly<Record<string, Move>> = {
  replace,
  insert,
  flip,
  reverse,
  shift,
  replaceAll,
  swapBetween,
  dropHold,
}

/** Default move weights (whole numbers: each weight is that many tickets in the draw). */
export const DEFAULT_MOVE_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  replace: 3,
  insert: 2,
  flip: 1,
  reverse: 1,
  shift: 1,
  replaceAll: 1,
  swapBetween: 1,
  dropHold: 1,
})
