/**
 * Bytes received from a stream, consumed from the front. Taking bytes that lie inside one chunk
 * returns a view (no copy); only reads that span chunks are copied.
 */
export class ByteQueue {
  private readonly chunks: Uint8Array[] = []
  private offset = 0
  private size = 0

  /** Number of bytes not yet taken. */
  get length(): number {
    return this.size
  }

  /** Appends a chunk (kept by reference; the caller must not reuse it). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.size += chunk.length
  }

  /** Removes and returns the next `n` bytes. Throws when fewer are queued (check `length` first). */
  take(n: number): Uint8Array {
    if (n > this.size) throw new RangeError(`take(${n}) with only ${this.size} bytes queued`)
    const first = this.chunks[0]
    if (first !== undefined && first.length - this.offset >= n) {
      const view = first.subarray(this.offset, this.offset + n)
      this.advance(n)
      return view
    }
    const out = new Uint8Array(n)
    let written = 0
    while (written < n) {
      const chunk = this.chunks[0]!
      const part = Math.min(n - written, chunk.length - this.offset)
      out.set(chunk.subarray(this.offset, this.offset + part), written)
      written += part
      this.advance(part)
    }
    return out
  }

  private advance(n: number): void {
    this.offset += n
    this.size -= n
    if (this.offset === this.chunks[0]!.length) {
      this.chunks.shift()
      this.offset = 0
    }
  }
}
