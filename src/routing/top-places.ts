/**
 * Indexes of the `m` largest positive `values` whose index passes `allowed`, largest first (ties by
 * lower index). Fewer when fewer are positive; empty when none is.
 */
export function topIndices(
  values: ArrayLike<number>,
  m: number,
  allowed: (index: number) => boolean,
): Int32Array {
  // a min-heap of the best m seen so far keeps this O(n log m) on city-sized networks
  const heap = new Int32Array(Math.max(0, m))
  let size = 0
  const worse = (a: number, b: number) =>
    values[a] < values[b] || (values[a] === values[b] && a > b)
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0) || !allowed(i)) continue
    if (size < m) {
      heap[size] = i
      siftUp(heap, size++, worse)
    } else if (m > 0 && worse(heap[0], i)) {
      heap[0] = i
      siftDown(heap, size, worse)
    }
  }
  const out = Array.from(heap.subarray(0, size))
  out.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0))
  return Int32Array.from(out)
}

function siftUp(heap: Int32Array, at: number, worse: (a: number, b: number) => boolean): void {
  let i = at
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (!worse(heap[i], heap[parent])) break
    ;[heap[i], heap[parent]] = [heap[parent], heap[i]]
    i = parent
  }
}

function siftDown(heap: Int32Array, size: number, worse: (a: number, b: number) => boolean): void {
  let i = 0
  for (;;) {
    const l = 2 * i + 1
    const r = l + 1
    let m = i
    if (l < size && worse(heap[l], heap[m])) m = l
    if (r < size && worse(heap[r], heap[m])) m = r
    if (m === i) return
    ;[heap[i], heap[m]] = [heap[m], heap[i]]
    i = m
  }
}
