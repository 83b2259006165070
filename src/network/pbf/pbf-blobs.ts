import { inflateSync } from 'node:zlib'
import { PbfReader } from 'pbf'
import { NetworkImportError } from '../errors.js'
import { ByteQueue } from './byte-queue.js'

/** One decompressed file block: `OSMHeader` or `OSMData`, with its byte offset in the file. */
export interface PbfBlob {
  readonly type: string
  readonly data: Uint8Array
  readonly offset: number
}

const MAX_HEADER_BYTES = 64 * 1024 // the PBF spec caps a BlobHeader below 64 KiB
const MAX_BLOB_BYTES = 32 * 1024 * 1024 // and a Blob at 32 MiB

/**
 * Splits an OSM PBF byte stream into decompressed blocks, holding at most one block in memory.
 * Throws NetworkImportError: 'empty-pbf' (no bytes), 'not-a-pbf' (the first frame is not a PBF
 * header), 'truncated-pbf' (the stream ends inside a frame), 'corrupt-pbf' (a frame does not decode)
 * and 'unsupported-pbf' (lzma/zstd/lz4 compression).
 */
export async function* readPbfBlobs(source: AsyncIterable<Uint8Array>): AsyncGenerator<PbfBlob> {
  const queue = new ByteQueue()
  let offset = 0
  let first = true
  let seen = 0
  let header: { type: string; dataSize: number } | undefined
  let headerSize = -1
  for await (const chunk of source) {
    queue.push(chunk)
    seen += chunk.length
    for (;;) {
      if (headerSize < 0) {
        if (queue.length < 4) break
        const sizeBytes = queue.take(4)
        headerSize = new DataView(sizeBytes.buffer, sizeBytes.byteOffset, 4).getUint32(0)
        if (headerSize === 0 || headerSize > MAX_HEADER_BYTES) {
          throw frameError(
            first,
            offset,
            `a block header size of ${headerSize} (${show(sizeBytes)})`,
          )
        }
      }
      if (header === undefined) {
        if (queue.length < headerSize) break
        header = decodeBlobHeader(queue.take(headerSize), first, offset)
      }
      if (queue.length < header.dataSize) break
      const data = decodeBlob(queue.take(header.dataSize), offset)
      yield { type: header.type, data, offset }
      offset += 4 + headerSize + header.dataSize
      first = false
      header = undefined
      headerSize = -1
    }
  }
  if (seen === 0) {
    throw new NetworkImportError('empty-pbf', 'The file is empty - upload an OSM .pbf extract.')
  }
  if (queue.length > 0 || headerSize >= 0) {
    throw new NetworkImportError(
      'truncated-pbf',
      `The file ends inside the block at byte ${offset} (${seen} bytes read) - the upload or download was cut short; fetch the file again.`,
    )
  }
}

function frameError(first: boolean, offset: number, found: string): NetworkImportError {
  return first
    ? new NetworkImportError(
        'not-a-pbf',
        `Not an OSM PBF file: it starts with ${found} - export the extract as .osm.pbf (XML and gzip are not accepted).`,
      )
    : new NetworkImportError('corrupt-pbf', `Corrupt OSM PBF: ${found} at byte ${offset}.`)
}

function show(bytes: Uint8Array): string {
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f)
  if (printable) return `"${String.fromCharCode(...bytes)}"`
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

function decodeBlobHeader(
  bytes: Uint8Array,
  first: boolean,
  offset: number,
): { type: string; dataSize: number } {
  let type = ''
  let dataSize = -1
  try {
    const pbf = new PbfReader(bytes)
    let field: number
    while ((field = pbf.nextField()) !== 0) {
      if (field === 1 && pbf.type === 2) type = pbf.readString()
      else if (field === 3 && pbf.type === 0) dataSize = pbf.readVarint()
    }
  } catch {
    throw frameError(first, offset, 'an unreadable block header')
  }
  const known = first ? type === 'OSMHeader' : type.length > 0
  if (!known || !(dataSize >= 0 && dataSize <= MAX_BLOB_BYTES)) {
    throw frameError(
      first,
      offset,
      `a block header of type "${type.slice(0, 20)}", ${dataSize} bytes`,
    )
  }
  return { type, dataSize }
}

function decodeBlob(bytes: Uint8Array, offset: number): Uint8Array {
  let raw: Uint8Array | undefined
  let zlib: Uint8Array | undefined
  let rawSize = -1
  let other = 0
  try {
    const pbf = new PbfReader(bytes)
    let field: number
    while ((field = pbf.nextField()) !== 0) {
      if (field === 1) raw = pbf.readBytes()
      else if (field === 2) rawSize = pbf.readVarint()
      else if (field === 3) zlib = pbf.readBytes()
      else if (field >= 4 && field <= 7) other = field
    }
  } catch (cause) {
    throw new NetworkImportError('corrupt-pbf', `Corrupt OSM PBF block at byte ${offset}.`, {
      cause,
    })
  }
  if (raw !== undefined) return raw
  if (zlib !== undefined) return inflate(zlib, rawSize, offset)
  if (other !== 0) {
    const name = ['lzma', 'bzip2', 'lz4', 'zstd'][other - 4]
    throw new NetworkImportError(
      'unsupported-pbf',
      `The block at byte ${offset} is ${name}-compressed; only zlib is supported - re-encode with \`osmium cat in.pbf -o out.osm.pbf\`.`,
    )
  }
  throw new NetworkImportError('corrupt-pbf', `The block at byte ${offset} holds no data.`)
}

function inflate(zlib: Uint8Array, rawSize: number, offset: number): Uint8Array {
  // inflate no further than the declared size (or the spec's cap): a small zlib bomb must not
  // claim gigabytes before it is found out
  const limit = rawSize >= 0 ? Math.min(rawSize, MAX_BLOB_BYTES) : MAX_BLOB_BYTES
  let data: Uint8Array
  try {
    data = inflateSync(zlib, { maxOutputLength: Math.max(1, limit) })
  } catch (cause) {
    const tooLarge = (cause as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE'
    throw new NetworkImportError(
      'corrupt-pbf',
      tooLarge
        ? `The block at byte ${offset} decompresses to more than ${limit} bytes${rawSize >= 0 ? `, expected ${rawSize}` : ''}.`
        : `The block at byte ${offset} does not decompress.`,
      {
        cause,
      },
    )
  }
  if (rawSize >= 0 && data.length !== rawSize) {
    throw new NetworkImportError(
      'corrupt-pbf',
      `The block at byte ${offset} decompresses to ${data.length} bytes, expected ${rawSize}.`,
    )
  }
  return data
}
