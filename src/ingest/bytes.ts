import { createHash } from 'node:crypto'
import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { IngestFileError } from './errors.js'
import type { IngestInput, IngestLimits } from './types.js'

const RATIO_CHECK_AFTER_BYTES = 1 << 20 // tiny files compress well; judge the ratio after 1 MiB

/** Byte-level facts gathered while the stream flows; read them after iteration. */
export interface ByteStats {
  bytesRead: number
  textBytes: number
  compressed: boolean
  sha256: string
}

/** Fresh counters for one run. */
export function createByteStats(): ByteStats {
  return { bytesRead: 0, textBytes: 0, compressed: false, sha256: '' }
}

/**
 * The input's bytes, hashed and counted; inflated when they start with the gzip magic bytes.
 * Stops with an IngestFileError past `maxBytes` of output or past `maxCompressionRatio`, before
 * the rest is inflated.
 */
export async function* readBytes(
  input: IngestInput,
  stats: ByteStats,
  limits: IngestLimits,
): AsyncGenerator<Buffer> {
  const raw = hashedChunks(input, stats)
  const head = await peek(raw, 4)
  try {
    rejectKnownBinary(head.bytes)
  } catch (err) {
    // a refused file is read no further, but its source (a file, an upload) must be closed;
    // past this point the loop below (or the inflater's pipeline) closes it
    await raw.return(undefined)
    throw err
  }
  const isGzip = head.bytes[0] === 0x1f && head.bytes[1] === 0x8b
  stats.compressed = isGzip
  const body = isGzip ? gunzip(head.all) : head.all
  try {
    for await (const chunk of body) {
      stats.textBytes += chunk.length
      checkLimits(stats, limits)
      yield chunk
    }
  } catch (err) {
    if (err instanceof IngestFileError) throw err
    const code = (err as NodeJS.ErrnoException).code ?? ''
    if (code.startsWith('Z_')) {
      throw new IngestFileError(
        'corrupt-gzip',
        `the gzip data is damaged: ${(err as Error).message}`,
      )
    }
    throw err
  }
}

async function* hashedChunks(input: IngestInput, stats: ByteStats): AsyncGenerator<Buffer> {
  const hash = createHash('sha256')
  try {
    for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : toBuffer(chunk)
      stats.bytesRead += buf.length
      hash.update(buf)
      yield buf
    }
  } catch (err) {
    if (err instanceof IngestFileError) throw err
    throw new IngestFileError(
      'input-error',
      `reading the upload failed: ${(err as Error).message}`,
      null,
      {
        cause: err,
      },
    )
  }
  stats.sha256 = hash.digest('hex')
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
}

interface Peeked {
  readonly bytes: Buffer
  readonly all: AsyncIterable<Buffer>
}

async function peek(chunks: AsyncGenerator<Buffer>, count: number): Promise<Peeked> {
  const seen: Buffer[] = []
  let length = 0
  while (length < count) {
    const next = await chunks.next()
    if (next.done) break
    seen.push(next.value)
    length += next.value.length
  }
  const bytes = Buffer.concat(seen)
  async function* all(): AsyncGenerator<Buffer> {
    try {
      if (bytes.length > 0) yield bytes
      yield* chunks
    } finally {
      // closed while still at the peeked bytes, `chunks` would stay open: close it
      await chunks.return(undefined)
    }
  }
  return { bytes, all: all() }
}

function gunzip(compressed: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const inflater = createGunzip()
  // pipeline forwards upstream errors into the inflater, so iteration below sees them
  pipeline(Readable.from(compressed), inflater, () => {})
  return inflater
}

function checkLimits(stats: ByteStats, limits: IngestLimits): void {
  if (stats.textBytes > limits.maxBytes) {
    throw new IngestFileError(
      'too-large',
      `the file is larger than ${limits.maxBytes} bytes${stats.compressed ? ' after decompression' : ''}; split it or raise the limit`,
    )
  }
  if (
    stats.compressed &&
    stats.textBytes > RATIO_CHECK_AFTER_BYTES &&
    stats.textBytes > stats.bytesRead * limits.maxCompressionRatio
  ) {
    throw new IngestFileError(
      'compression-ratio',
      `the gzip data inflates more than ${limits.maxCompressionRatio}:1 (a compression bomb?); refused after ${stats.textBytes} bytes`,
    )
  }
}

const BINARY_SIGNATURES: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['a zip archive or an .xlsx workbook', [0x50, 0x4b, 0x03, 0x04]],
  ['an .xls workbook', [0xd0, 0xcf, 0x11, 0xe0]],
  ['a PDF', [0x25, 0x50, 0x44, 0x46]],
]

function rejectKnownBinary(head: Buffer): void {
  for (const [what, signature] of BINARY_SIGNATURES) {
    if (signature.every((byte, i) => head[i] === byte)) {
      throw new IngestFileError(
        'unsupported-format',
        `the file is ${what}, not CSV; export it as CSV`,
      )
    }
  }
}
