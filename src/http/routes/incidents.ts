import { pipeline, Readable } from 'node:stream'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { listRejects } from '../../db/incidents.js'
import { findUpload, type UploadRecord } from '../../db/uploads.js'
import {
  createRejectsCsvStream,
  IngestFileError,
  listProfiles,
  type ColumnMapping,
} from '../../ingest/index.js'
import {
  findUploadClosingAbandoned,
  UploadRefused,
  uploadIncidents,
} from '../../services/incident-upload.js'
import type { AppDeps } from '../app.js'
import { AppError } from '../errors.js'
import { problemResponses } from '../schemas.js'
import { readUpload } from '../upload.js'

const REFUSAL_STATUS: Readonly<Record<UploadRefused['code'], number>> = {
  'network-not-found': 404,
  'upload-in-progress': 409,
  'idempotency-key-reused': 422,
  'invalid-upload-options': 400,
}

/** The text fields an upload may send before its file. */
const UPLOAD_FIELDS = ['network', 'profile', 'timezone', 'dryRun', 'mapping', 'categoryMap']

/** The upload record as the API shows it: status, summary counts, and where the rejects are. */
const UploadSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.String(),
    network: Type.String(),
    dryRun: Type.Boolean(),
    files: Type.Array(Type.String()),
    createdAt: Type.String(),
    completedAt: Type.Union([Type.String(), Type.Null()]),
    contentSha256: Type.Union([Type.String(), Type.Null()]),
    repeatOf: Type.Union([Type.String(), Type.Null()]),
    error: Type.Union([
      Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }),
      Type.Null(),
    ]),
    rejectsUrl: Type.String(),
    rowsRead: Type.Integer(),
    accepted: Type.Integer(),
    rejected: Type.Integer(),
    duplicates: Type.Integer(),
    withoutLocation: Type.Integer(),
    snapped: Type.Integer(),
    unsnapped: Type.Integer(),
  },
  { additionalProperties: true },
)

function toUploadJson(upload: UploadRecord) {
  const summary = (upload.summary ?? {}) as Record<string, unknown>
  const count = (key: string) => (typeof summary[key] === 'number' ? (summary[key] as number) : 0)
  return {
    ...summary,
    id: upload.id,
    status: upload.status,
    network: upload.networkName,
    dryRun: upload.dryRun,
    files: [...upload.fileNames],
    createdAt: upload.createdAt.toISOString(),
    completedAt: upload.completedAt?.toISOString() ?? null,
    contentSha256: upload.contentSha256,
    repeatOf: upload.repeatOf,
    error: upload.error,
    // a repeat kept nothing of its own (its rejects rolled back): the earlier upload's are the ones
    rejectsUrl: `/v1/incidents/uploads/${
      upload.status === 'repeat' && upload.repeatOf ? upload.repeatOf : upload.id
    }/rejects.csv`,
    rowsRead: count('rowsRead'),
    accepted: count('accepted'),
    rejected: count('rejected'),
    duplicates: count('duplicates'),
    withoutLocation: count('withoutLocation'),
    snapped: count('snapped'),
    unsnapped: count('unsnapped'),
  }
}

function parseJsonField<T>(fields: Readonly<Record<string, string>>, name: string): T | undefined {
  if (fields[name] === undefined) return undefined
  try {
    return JSON.parse(fields[name]) as T
  } catch {
    throw new AppError(400, 'validation-failed', `field "${name}" must be JSON`, { field: name })
  }
}

/** A boolean field: exactly `true` or `false` (absent is false); anything else is refused. */
function parseBooleanField(fields: Readonly<Record<string, string>>, name: string): boolean {
  const value = fields[name]
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  throw new AppError(400, 'validation-failed', `field "${name}" must be true or false`, {
    field: name,
  })
}

/** Maps a file-level ingest failure to problem+json: size caps are 413, the rest 422. */
function fileProblem(err: IngestFileError, uploadId: string | undefined): AppError {
  const tooLarge =
    err.code === 'too-large' || (err.cause as { code?: string })?.code === 'FST_REQ_FILE_TOO_LARGE'
  return new AppError(tooLarge ? 413 : 422, tooLarge ? 'body-too-large' : err.code, err.message, {
    line: err.line,
    ...(uploadId ? { uploadId } : {}),
  })
}

/** Incident CSV uploads: streamed in, summarised, rejects downloadable. */
export async function incidentRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.get(
    '/v1/incidents/profiles',
    {
      config: { roles: ['analyst'] },
      schema: {
        tags: ['incidents'],
        summary: 'Upload profiles (source formats) and their header fingerprints',
      },
    },
    async () => ({ profiles: listProfiles() }),
  )

  app.post(
    '/v1/incidents/uploads',
    {
      config: { roles: ['analyst'] },
      handlerTimeout: 3_600_000,
      schema: {
        tags: ['incidents'],
        summary:
          'Upload an incident CSV (.csv or .csv.gz), streamed; fields before the file: network, profile, timezone, dryRun, mapping, categoryMap',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        response: {
          200: UploadSchema,
          201: UploadSchema,
          ...problemResponses(400, 404, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request, { fields: UPLOAD_FIELDS })
      const { fields } = upload
      if (!fields.network) {
        upload.discard()
        throw new AppError(
          400,
          'validation-failed',
          'field "network" is required (before the file)',
          { field: 'network' },
        )
      }
      const key = request.headers['idempotency-key']
      try {
        const options = {
          mapping: parseJsonField<ColumnMapping>(fields, 'mapping'),
          categoryMap: parseJsonField<Record<string, string>>(fields, 'categoryMap'),
          dryRun: parseBooleanField(fields, 'dryRun'),
        }
        const outcome = await uploadIncidents(
          deps.handle,
          deps.networks,
          {
            networkName: fields.network,
            files: [{ name: upload.filename, open: () => upload.content }],
            profile: fields.profile || 'auto',
            timezone: fields.timezone || undefined,
            ...options,
            idempotency: key ? { scope: request.apiKey?.id ?? 'anonymous', key } : undefined,
            now: new Date(),
          },
          deps.risk,
        )
        if (outcome.snapshotError)
          request.log.error(
            { error: outcome.snapshotError },
            'risk snapshots not recomputed after upload',
          )
        if (outcome.replayed) reply.header('idempotent-replayed', 'true')
        reply.code(outcome.replayed || outcome.upload.status === 'repeat' ? 200 : 201)
        return toUploadJson(outcome.upload)
      } catch (err) {
        upload.discard()
        if (err instanceof UploadRefused)
          throw new AppError(REFUSAL_STATUS[err.code], err.code, err.message)
        // the upload's own form was at fault while its file was read (a field after the file)
        if (err instanceof IngestFileError && err.cause instanceof AppError) throw err.cause
        if (err instanceof IngestFileError) throw fileProblem(err, undefined)
        // anything else (a bug, the database) is a logged 500; misused options are refused above
        throw err
      }
    },
  )

  app.get(
    '/v1/incidents/uploads/:id',
    {
      config: { roles: ['analyst'] },
      schema: {
        tags: ['incidents'],
        summary: "An upload's status and summary",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: UploadSchema, ...problemResponses(404) },
      },
    },
    async (request) => {
      // a running upload whose process died is closed as failed (`abandoned`) when first seen
      const upload = await findUploadClosingAbandoned(db, request.params.id, new Date())
      if (!upload) throw new AppError(404, 'not-found', `no upload ${request.params.id}`)
      return toUploadJson(upload)
    },
  )

  app.get(
    '/v1/incidents/uploads/:id/rejects.csv',
    {
      config: { roles: ['analyst'] },
      schema: {
        tags: ['incidents'],
        summary:
          "An upload's rejected rows: line, column, value, rule, message (formula-escaped CSV)",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request, reply) => {
      const upload = await findUpload(db, request.params.id)
      if (!upload) throw new AppError(404, 'not-found', `no upload ${request.params.id}`)
      async function* rejects() {
        for (let after = 0; ;) {
          const page = await listRejects(db, upload!.id, after, 5000)
          for (const r of page)
            yield {
              line: r.line,
              column: r.column_name,
              value: r.value,
              rule: r.rule,
              message: r.message,
            }
          if (page.length < 5000) return
          after = page.at(-1)!.seq
        }
      }
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rejects-${upload.id}.csv"`)
      // pipeline, not pipe: a database error in the generator reaches the callback (logged; Fastify
      // answers 500, or aborts the response once it has started) instead of being an uncaught
      // 'error' event, and a client that goes away destroys the CSV stream and with it the source
      const csv = pipeline(Readable.from(rejects()), createRejectsCsvStream(), (err) => {
        if (!err) return
        if ((err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE')
          request.log.info({ uploadId: upload.id }, 'rejects report abandoned by the client')
        else request.log.error({ err, uploadId: upload.id }, 'rejects report failed')
      })
      return reply.send(csv)
    },
  )
}
