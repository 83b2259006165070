import type { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { AppError } from './errors.js'

export interface Upload {
  /** Text fields that came before the file part. */
  readonly fields: Readonly<Record<string, string>>
  readonly filename: string
  /** The file's bytes, streamed: read it once, to the end. */
  readonly file: Readable
}

/**
 * The one file of a multipart upload and the text fields sent before it. Limits (parts, files,
 * field sizes, file size) are set where multipart is registered; going past one answers 413.
 * @throws AppError 415 `not-multipart` or 400 `file-required`.
 */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new AppError(415, 'not-multipart', 'send the file as multipart/form-data (field "file")')
  }
  const fields: Record<string, string> = {}
  for await (const part of request.parts()) {
    if (part.type === 'file') return { fields, filename: part.filename, file: part.file }
    if (typeof part.value === 'string') fields[part.fieldname] = part.value
  }
  throw new AppError(
    400,
    'file-required',
    'the upload has no file part; send fields first, then the file',
  )
}
