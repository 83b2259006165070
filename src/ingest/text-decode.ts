import iconv from 'iconv-lite'
import { IngestFileError } from './errors.js'
import type { TextEncoding } from './types.js'

const SAMPLE_BYTES = 64 * 1024 // enough rows to see a stray Windows-1252 byte in most exports

/** What decoding found; read after iteration. */
export interface TextStats {
  encoding: TextEncoding | null
  bom: boolean
  replacements: number
}

/** Fresh counters for one run. */
export function createTextStats(): TextStats {
  return { encoding: null, bom: false, replacements: 0 }
}

const ICONV_NAMES: Readonly<Record<TextEncoding, string>> = {
  'utf-8': 'utf8',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  'windows-1252': 'win1252',
}

/**
 * Decodes bytes to text as a stream. The encoding comes from a BOM (UTF-8, UTF-16LE/BE), else
 * from the first 64 KiB: NUL bytes in every other position → UTF-16, invalid UTF-8 → Windows-1252,
 * otherwise UTF-8. The BOM is dropped. NULs past the sample (or in UTF-16 text) are left in the
 * text: the row reader rejects their rows (`row.nul-byte`).
 */
export async function* decodeText(
  bytes: AsyncIterable<Buffer>,
  stats: TextStats,
): AsyncGenerator<string> {
  const iterator = bytes[Symbol.asyncIterator]()
  let ended = false
  try {
    const head: Buffer[] = []
    let headLength = 0
    while (headLength < SAMPLE_BYTES) {
      const next = await iterator.next()
      if (next.done) {
        ended = true
        break
      }
      head.push(next.value)
      headLength += next.value.length
    }
    const sample = Buffer.concat(head)
    const detected = detectEncoding(sample, ended)
    stats.encoding = detected.encoding
    stats.bom = detected.bom
    const decoder = iconv.getDecoder(ICONV_NAMES[detected.encoding], { stripBOM: true })
    const emit = (text: string | undefined): string => {
      if (!text) return ''
      stats.replacements += countReplacements(text)
      return text
    }
    const first = emit(decoder.write(sample))
    if (first) yield first
    while (!ended) {
      const next = await iterator.next()
      if (next.done) {
        ended = true
        break
      }
      const text = emit(decoder.write(next.value))
      if (text) yield text
    }
    const rest = emit(decoder.end())
    if (rest) yield rest
  } finally {
    // also when the sample is refused (NUL bytes): the source (a file, an upload) is closed
    if (!ended) await iterator.return?.()
  }
}

interface Detected {
  readonly encoding: TextEncoding
  readonly bom: boolean
}

/** Guesses the encoding of a file from its first bytes; `complete` says the sample is the whole file. */
export function detectEncoding(sample: Buffer, complete: boolean): Detected {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf-8', bom: true }
  }
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: true }
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: true }
  const utf16 = utf16WithoutBom(sample)
  if (utf16) return { encoding: utf16, bom: false }
  if (sample.includes(0)) {
    throw new IngestFileError(
      'unsupported-format',
      'the file contains NUL bytes: it is not a text CSV',
    )
  }
  return { encoding: isUtf8(sample, complete) ? 'utf-8' : 'windows-1252', bom: false }
}

function utf16WithoutBom(sample: Buffer): TextEncoding | undefined {
  const pairs = Math.min(sample.length >> 1, 512)
  if (pairs < 2) return undefined
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < pairs; i++) {
    if (sample[2 * i] === 0) evenZeros++
    if (sample[2 * i + 1] === 0) oddZeros++
  }
  // ASCII text in UTF-16 has a NUL in (nearly) every high byte
  if (oddZeros > pairs * 0.7 && evenZeros < pairs * 0.1) return 'utf-16le'
  if (evenZeros > pairs * 0.7 && oddZeros < pairs * 0.1) return 'utf-16be'
  return undefined
}

function isUtf8(sample: Buffer, complete: boolean): boolean {
  try {
    // streaming mode tolerates a multi-byte character cut at the end of the sample
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !complete })
    return true
  } catch {
    return false
  }
}

function countReplacements(text: string): number {
  let count = 0
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) count++
  return count
}
