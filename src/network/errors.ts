/** Why an OSM file could not be turned into a street network. Stable strings: the HTTP layer maps them. */
export type NetworkImportErrorCode =
  'empty-pbf' | 'not-a-pbf' | 'truncated-pbf' | 'corrupt-pbf' | 'unsupported-pbf' | 'no-highways'

/**
 * An OSM PBF file that cannot be imported. `code` is stable; `message` says what was found and
 * what to do about it.
 */
export class NetworkImportError extends Error {
  override readonly name = 'NetworkImportError'
  readonly code: NetworkImportErrorCode

  constructor(code: NetworkImportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
