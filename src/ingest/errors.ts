import type { FileError, FileErrorCode } from './types.js'

/**
 * The file as a whole cannot be imported. Thrown out of the batch iteration so a consumer cannot
 * mistake a partial import for a complete one; the run's summary carries the same error.
 */
export class IngestFileError extends Error implements FileError {
  constructor(
    readonly code: FileErrorCode,
    message: string,
    readonly line: number | null = null,
    options?: ErrorOptions,
  ) {
    // the message is stored (jsonb), which cannot hold U+0000
    super(message.replaceAll('\u0000', ''), options)
    this.name = 'IngestFileError'
  }

  /** Plain-object form for the summary and for problem+json. */
  toFileError(): FileError {
    return { code: this.code, message: this.message, line: this.line }
  }
}
