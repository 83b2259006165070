import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import {
  eraseReportContact,
  findReportView,
  listReportViews,
  updateReport,
  type ReportView,
} from '../../db/report-views.js'
import type { AppDeps } from '../app.js'
import { AppError } from '../errors.js'
import { problemResponses } from '../schemas.js'
import { RequestSchema, toOpen311 } from './open311.js'

const Review = Type.Union([
  Type.Literal('unreviewed'),
  Type.Literal('reviewed'),
  Type.Literal('spam'),
  Type.Literal('duplicate'),
])

/** What analysts see beyond the public view: review state and counts, still no personal data. */
const AnalystRequest = Type.Intersect([
  RequestSchema,
  Type.Object({
    jurisdiction_id: Type.String(),
    review: Review,
    report_count: Type.Integer(),
    duplicate_of: Type.Union([Type.String(), Type.Null()]),
    flagged: Type.Boolean(),
    flag_reason: Type.Union([Type.String(), Type.Null()]),
    segment_id: Type.Union([Type.String(), Type.Null()]),
    contact_on_file: Type.Boolean(),
    attributes: Type.Record(Type.String(), Type.Unknown()),
  }),
])

function toAnalystView(view: ReportView) {
  return {
    ...toOpen311(view),
    jurisdiction_id: view.networkName,
    review: view.review,
    report_count: view.reportCount,
    duplicate_of: view.duplicateOf,
    flagged: view.flagged,
    flag_reason: view.flagReason,
    segment_id: view.segmentId,
    contact_on_file: view.contactOnFile,
    attributes: view.attributes,
  }
}

/** The deepest page of the report search (× page_size ≤ 500: offsets below 5·10⁷). */
const MAX_PAGE = 100_000

const BBOX = '^-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?$'

/** Analysts' side of resident reports: search, status and review, erasing personal data. */
export async function reportReviewRoutes(fastify: FastifyInstance, { db }: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get(
    '/v1/requests',
    {
      config: { roles: ['analyst'] },
      schema: {
        tags: ['community reports'],
        summary: 'Search reports (filters by type, status, review, time, bbox; paged)',
        querystring: Type.Object(
          {
            service_code: Type.Optional(
              Type.String({ maxLength: 400, description: 'comma-separated' }),
            ),
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
            review: Type.Optional(Review),
            jurisdiction_id: Type.Optional(Type.String({ maxLength: 100 })),
            start_date: Type.Optional(Type.String({ format: 'date-time' })),
            end_date: Type.Optional(Type.String({ format: 'date-time' })),
            bbox: Type.Optional(
              Type.String({ pattern: BBOX, description: 'west,south,east,north' }),
            ),
            // capped so that (page - 1) × page_size stays a small offset: refused by the schema,
            // with the field named, before any query is built
            page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }),
            page_size: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(AnalystRequest), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const q = request.query
      const bbox = q.bbox?.split(',').map(Number) as [number, number, number, number] | undefined
      if (bbox && (bbox[0] > bbox[2] || bbox[1] > bbox[3])) {
        throw new AppError(
          400,
          'validation-failed',
          'bbox must be west,south,east,north with west ≤ east and south ≤ north',
        )
      }
      const views = await listReportViews(
        db,
        {
          serviceCodes: q.service_code?.split(',').filter(Boolean),
          status: q.status,
          review: q.review,
          networkName: q.jurisdiction_id,
          from: q.start_date ? new Date(q.start_date) : undefined,
          to: q.end_date ? new Date(q.end_date) : undefined,
          bbox,
        },
        { offset: (q.page - 1) * q.page_size, limit: q.page_size + 1 },
      )
      if (views.length > q.page_size) reply.header('x-next-page', String(q.page + 1))
      return views.slice(0, q.page_size).map(toAnalystView)
    },
  )

  app.patch(
    '/v1/requests/:id',
    {
      config: { roles: ['analyst'] },
      schema: {
        tags: ['community reports'],
        summary:
          'Set status and status notes (what residents see), or mark reviewed, spam or duplicate',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
            status_notes: Type.Optional(Type.String({ maxLength: 2000 })),
            review: Type.Optional(Review),
            duplicate_of: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: AnalystRequest, ...problemResponses(400, 404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params
      const b = request.body
      if ((b.review === 'duplicate') !== (b.duplicate_of !== undefined)) {
        throw new AppError(
          400,
          'validation-failed',
          'review "duplicate" and duplicate_of go together',
        )
      }
      if (b.duplicate_of !== undefined) {
        const target = await findReportView(db, b.duplicate_of)
        if (!target || target.id === id || target.duplicateOf) {
          throw new AppError(
            422,
            'invalid-duplicate',
            `duplicate_of must name another report that is not itself a duplicate`,
          )
        }
      }
      const patch = {
        status: b.status,
        statusNotes: b.status_notes,
        review: b.review,
        ...(b.review ? { duplicateOf: b.duplicate_of ?? null } : {}),
      }
      if (!(await updateReport(db, id, patch, new Date())))
        throw new AppError(404, 'not-found', `no report ${id}`)
      return toAnalystView((await findReportView(db, id))!)
    },
  )

  app.delete(
    '/v1/requests/:id/contact',
    {
      config: { roles: ['analyst'] },
      schema: {
        tags: ['community reports'],
        summary:
          "Erase a report's personal data (name, email, phone, device and account ids) on request",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      if (!(await eraseReportContact(db, request.params.id, new Date()))) {
        throw new AppError(404, 'not-found', `no report ${request.params.id}`)
      }
      return reply.code(204).send(null)
    },
  )
}
