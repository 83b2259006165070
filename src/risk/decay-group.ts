/**
 * Exponentially decayed sums that share one time constant, kept incrementally.
 *
 * Values are stored relative to a reference instant: stored = Σ a_i · e^{(t_i − ref)/τ}, so the sum at
 * time t is stored · e^{−(t − ref)/τ}. Adding is O(1) and advancing time costs nothing; when the
 * exponent grows large every array is multiplied once and the reference moves (a rebase).
 */
export class DecayGroup {
  readonly tauMs: number
  #refMs: number
  readonly #arrays: Float64Array[] = []
  readonly #totals: number[] = []

  /**
   * @param tauMs - time constant τ in ms (the e-folding time, not a half-life).
   * @param startMs - first reference instant.
   */
  constructor(tauMs: number, startMs: number) {
    if (!(tauMs > 0) || !Number.isFinite(tauMs)) {
      throw new RangeError(`Decay time constant must be a positive number of ms, got ${tauMs}.`)
    }
    this.tauMs = tauMs
    this.#refMs = startMs
  }

  /** Registers a zeroed array of `size` cells and returns its handle. */
  addArray(size: number): number {
    this.#arrays.push(new Float64Array(size))
    this.#totals.push(0)
    return this.#arrays.length - 1
  }

  /** Grows array `handle` to at least `size` cells, keeping its values. */
  grow(handle: number, size: number): void {
    const old = this.#arrays[handle]
    if (old.length >= size) return
    const next = new Float64Array(Math.max(size, old.length * 2))
    next.set(old)
    this.#arrays[handle] = next
  }

  /** Adds `amount` (its value as of `atMs`) to cell `index` of array `handle`. */
  add(handle: number, index: number, amount: number, atMs: number): void {
    const exponent = (atMs - this.#refMs) / this.tauMs
    if (exponent > 60 || exponent < -60) this.rebase(atMs)
    const stored = amount * Math.exp((atMs - this.#refMs) / this.tauMs)
    this.#arrays[handle][index] += stored
    this.#totals[handle] += stored
  }

  /**
   * Multiplier turning a value as of `atMs` into stored units (for `addStored`); rebases first if it
   * would overflow. Valid until the next rebase, i.e. for any number of adds at the same `atMs`.
   */
  scaleAt(atMs: number): number {
    const exponent = (atMs - this.#refMs) / this.tauMs
    if (exponent > 60 || exponent < -60) this.rebase(atMs)
    return Math.exp((atMs - this.#refMs) / this.tauMs)
  }

  /** Adds an amount already in stored units (value × `scaleAt(t)`) to cell `index` of `handle`. */
  addStored(handle: number, index: number, stored: number): void {
    this.#arrays[handle][index] += stored
    this.#totals[handle] += stored
  }

  /** Multiplier turning stored values into values at `atMs`; rebases first if it would overflow. */
  factorAt(atMs: number): number {
    const exponent = (atMs - this.#refMs) / this.tauMs
    if (exponent > 60 || exponent < -60) this.rebase(atMs)
    return Math.exp(-(atMs - this.#refMs) / this.tauMs)
  }

  /** The stored (not yet decayed) cells of array `handle`; multiply by `factorAt(t)`. */
  stored(handle: number): Float64Array {
    return this.#arrays[handle]
  }

  /** Sum over all cells of array `handle`, stored units. */
  storedTotal(handle: number): number {
    return this.#totals[handle]
  }

  /** Moves the reference instant to `atMs`, multiplying every array once. */
  rebase(atMs: number): void {
    const factor = Math.exp(-(atMs - this.#refMs) / this.tauMs)
    for (let h = 0; h < this.#arrays.length; h++) {
      const array = this.#arrays[h]
      let total = 0
      for (let i = 0; i < array.length; i++) {
        array[i] *= factor
        total += array[i]
      }
      this.#totals[h] = total
    }
    this.#refMs = atMs
  }
}
