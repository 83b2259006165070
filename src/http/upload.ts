import type { Readable } from 'node:stream'
import type { Multipart } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { AppError } from './errors.js'

/** The upload went past UPLOAD_LIMIT_BYTES (the error handler answers 413 `body-too-large`). */
export class FileTooLargeError extends Error {
  readonly code = 'FST_REQ_FILE_TOO_LARGE'
  readonly statusCode = 413
  constructor() {
    super('the file is larger than the upload limit (UPLOAD_LIMIT_BYTES)')
    this.name = 'FileTooLargeError'
  }
}

export interface Upload {
  /** Text fields that came before the file part. */
  readonly fields: Readonly<Record<string, string>>
  readonly filename: string
  /**
   * The file's bytes, streamed: read once, to the end; throws FileTooLargeError past the limit,
   * and AppError 400 `validation-failed` when another part follows the file.
   */
  readonly content: AsyncIterable<Uint8Array>
  /** Drains the file without reading it (when the request is refused before its content). */
  discard(): void
}

/**
 * The file's bytes; busboy only truncates a file at the size limit: turn that into an error, never
 * silently lost data. After the file, the rest of the form is read: any part after it (a field such
 * as `dryRun` would be silently ignored) fails the upload with 400 `validation-failed` naming it,
 * so the import that read these bytes rolls back.
 */
async function* untruncated(
  file: Readable & { truncated?: boolean },
  rest: AsyncIterator<Multipart>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of file) yield chunk as Uint8Array
  if (file.truncated) throw new FileTooLargeError()
  const next = await rest.next()
  if (next.done) return
  const part = next.value
  if (part.type === 'file') part.file.resume()
  const what = part.type === 'file' ? 'a second file' : 'field'
  throw unknownField(
    part.fieldname,
    `${what} "${part.fieldname}" came after the file; send the fields first, then the one file`,
  )
}

export interface ReadUploadOptions {
  /** The text fields the route reads: any other is refused (400 `validation-failed`, naming it). */
  readonly fields: readonly string[]
}

function unknownField(name: string, message: string): AppError {
  return new AppError(400, 'validation-failed', message, {
    field: name,
    errors: [{ field: name, message }],
  })
}

/**
 * The one file of a multipart upload and the text fields sent before it. Limits (parts, files,
 * field sizes, file size) are set where multipart is registered; going past one answers 413.
 * @throws AppError 415 `not-multipart`, 400 `file-required`, or 400 `validation-failed` for a
 *   text field not in `options.fields` or a file not sent as field "file".
 */
export async function readUpload(
  request: FastifyRequest,
  options: ReadUploadOptions,
): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new AppError(415, 'not-multipart', 'send the file as multipart/form-data (field "file")')
  }
  const fields: Record<string, string> = {}
  // iterated by hand: a for-await loop would close the iterator when it returns the file part,
  // and the parts after the file must still be read (see untruncated)
  const parts = request.parts()[Symbol.asyncIterator]()
  for (let next = await parts.next(); !next.done; next = await parts.next()) {
    const part = next.value
    if (part.type === 'file' && part.fieldname !== 'file') {
      part.file.resume()
      throw unknownField(part.fieldname, `send the file as field "file", not "${part.fieldname}"`)
    }
    if (part.type !== 'file' && !options.fields.includes(part.fieldname)) {
      const known = options.fields.join(', ')
      throw unknownField(
        part.fieldname,
        `unknown field "${part.fieldname}"; the fields are ${known}`,
      )
    }
    if (part.type === 'file') {
      const file = part.file
      return {
        fields,
        filename: part.filename,
        content: untruncated(file, parts),
        discard: () => void file.resume(),
      }
    }
    if (typeof part.value === 'string') fields[part.fieldname] = part.value
  }
  throw new AppError(
    400,
    'file-required',
    'the upload has no file part; send fields first, then the file',
  )
}
