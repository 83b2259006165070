import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { listServiceTypes, findServiceType } from '../../db/report-types.js'
import { findReportView, type ReportView } from '../../db/report-views.js'
import { ReportRefused, submitReport } from '../../services/report-intake.js'
import { reportPlacement } from '../../services/report-placement.js'
import type { ServiceType } from '../../reports/index.js'
import type { AppDeps } from '../app.js'
import { AppError } from '../errors.js'
import { problemResponses } from '../schemas.js'

const REFUSAL_STATUS: Readonly<Record<ReportRefused['code'], number>> = {
  'unknown-service-code': 422,
  'invalid-attribute': 422,
  'location-required': 400,
  'address-not-found': 422,
  'jurisdiction-required': 400,
  'unknown-jurisdiction': 422,
  'outside-jurisdiction': 422,
  'report-cap-reached': 429,
}

export const ServiceSchema = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Type.String(),
  metadata: Type.Boolean(),
  type: Type.Literal('realtime'),
  keywords: Type.String(),
  group: Type.String(),
})

const AttributeSchema = Type.Object({
  variable: Type.Boolean(),
  code: Type.String(),
  datatype: Type.String(),
  required: Type.Boolean(),
  datatype_description: Type.Union([Type.String(), Type.Null()]),
  order: Type.Integer(),
  description: Type.String(),
  values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }))),
})

const SubmitBody = Type.Object(
  {
    service_code: Type.String({ minLength: 1, maxLength: 40 }),
    jurisdiction_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    long: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    address_string: Type.Optional(Type.String({ minLength: 3, maxLength: 300 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    attribute: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
        Type.Union([Type.String(), Type.Number(), Type.Array(Type.String())]),
      ),
    ),
    media_url: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    first_name: Type.Optional(Type.String({ maxLength: 100 })),
    last_name: Type.Optional(Type.String({ maxLength: 100 })),
    device_id: Type.Optional(Type.String({ maxLength: 200 })),
    account_id: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)

/**
 * A report in Open311 fields, never contact details. Residents' keys get `description` and
 * `media_url` as null (free text and photos may carry personal data) and, as `address`, the name of
 * the street the service placed the report on (or null) instead of the text the poster typed
 * (which may hold a house number); staff roles get them as given.
 */
export const RequestSchema = Type.Object({
  service_request_id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  status_notes: Type.Union([Type.String(), Type.Null()]),
  service_name: Type.String(),
  service_code: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  agency_responsible: Type.String(),
  service_notice: Type.Union([Type.String(), Type.Null()]),
  requested_datetime: Type.String(),
  updated_datetime: Type.String(),
  expected_datetime: Type.Null(),
  address: Type.Union([Type.String(), Type.Null()]),
  address_id: Type.Null(),
  zipcode: Type.Null(),
  lat: Type.Number(),
  long: Type.Number(),
  media_url: Type.Union([Type.String(), Type.Null()]),
})

const AGENCY = 'Police patrol (community feedback)'

/** Who reads a report: staff roles see everything but contact details; residents less. */
export type Audience = 'staff' | 'resident'

/**
 * Open311 `GET /requests` fields for a report view. For residents `description` and `media_url` are
 * null and `address` is the placed street (or null): any resident-app key may read any report, and
 * those fields are what may carry personal data (a typed address such as "12 Elm St, flat 4B").
 */
export function toOpen311(
  view: ReportView,
  audience: Audience = 'staff',
): Static<typeof RequestSchema> {
  const staff = audience === 'staff'
  return {
    service_request_id: view.id,
    status: view.status,
    status_notes: view.statusNotes,
    service_name: view.serviceName,
    service_code: view.serviceCode,
    description: staff ? view.description : null,
    agency_responsible: AGENCY,
    service_notice: view.serviceNotice,
    requested_datetime: view.requestedAt.toISOString(),
    updated_datetime: view.updatedAt.toISOString(),
    expected_datetime: null,
    address: staff ? view.address : view.placedStreet,
    address_id: null,
    zipcode: null,
    lat: view.lat,
    long: view.lon,
    media_url: staff ? view.mediaUrl : null,
  }
}

/**
 * A report as asked for by its id: its own fields, and — when it was counted into an earlier
 * report — that report's status and status notes, nothing else of it (another resident's words,
 * photo, address and point, and its id, stay out).
 */
export function toOpen311Of(
  own: ReportView,
  original: ReportView | undefined,
  audience: Audience,
): Static<typeof RequestSchema> {
  const shown = toOpen311(own, audience)
  if (!original) return shown
  const updated = Math.max(own.updatedAt.getTime(), original.updatedAt.getTime())
  return {
    ...shown,
    status: original.status,
    status_notes: original.statusNotes,
    updated_datetime: new Date(updated).toISOString(),
  }
}

function toService(t: ServiceType): Static<typeof ServiceSchema> {
  return {
    service_code: t.code,
    service_name: t.name,
    description: t.description,
    metadata: t.attributes.length > 0,
    type: 'realtime',
    keywords: t.keywords.join(','),
    group: t.group,
  }
}

const ANY_ROLE = ['analyst', 'supervisor', 'scheduler', 'resident-app'] as const

/** Open311 GeoReport v2 shaped: report types, posting a report, and its status back out. */
export async function open311Routes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const { db } = deps
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const placement = reportPlacement(db, deps.networks)

  app.get(
    '/v1/services',
    {
      config: { roles: ANY_ROLE },
      schema: {
        tags: ['community reports'],
        summary: 'Report types (Open311 services)',
        response: { 200: Type.Array(ServiceSchema) },
      },
    },
    async () => (await listServiceTypes(db)).map(toService),
  )

  app.get(
    '/v1/services/:code',
    {
      config: { roles: ANY_ROLE },
      schema: {
        tags: ['community reports'],
        summary: "A report type's attribute definitions (Open311 service definition)",
        params: Type.Object({ code: Type.String({ maxLength: 40 }) }),
        response: {
          200: Type.Object({
            service_code: Type.String(),
            attributes: Type.Array(AttributeSchema),
          }),
          ...problemResponses(404),
        },
      },
    },
    async (request) => {
      const service = await findServiceType(db, request.params.code)
      if (!service) throw new AppError(404, 'not-found', `no report type "${request.params.code}"`)
      return {
        service_code: service.code,
        attributes: service.attributes.map((a, order) => ({
          variable: true,
          code: a.code,
          datatype: a.datatype,
          required: a.required,
          datatype_description: null,
          order: order + 1,
          description: a.description,
          ...(a.values ? { values: a.values.map(([key, name]) => ({ key, name })) } : {}),
        })),
      }
    },
  )

  app.post(
    '/v1/requests',
    {
      config: { roles: ['resident-app'], rateLimit: { max: 600, timeWindow: 60_000 } },
      schema: {
        tags: ['community reports'],
        summary: 'Post a resident report (Open311 POST requests)',
        body: SubmitBody,
        response: {
          201: Type.Array(
            Type.Object({
              service_request_id: Type.String(),
              service_notice: Type.Union([Type.String(), Type.Null()]),
              account_id: Type.Null(),
              /** Counted into an earlier report (whose id is not given out: it is someone else's). */
              duplicate: Type.Boolean(),
            }),
          ),
          ...problemResponses(400, 401, 403, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const b = request.body
      try {
        const accepted = await submitReport(
          db,
          {
            serviceCode: b.service_code,
            jurisdiction: b.jurisdiction_id,
            lat: b.lat,
            lon: b.long,
            address: b.address_string,
            description: b.description,
            attributes: b.attribute ?? {},
            mediaUrl: b.media_url,
            contact: {
              email: b.email ?? null,
              phone: b.phone ?? null,
              firstName: b.first_name ?? null,
              lastName: b.last_name ?? null,
              deviceId: b.device_id ?? null,
              accountId: b.account_id ?? null,
            },
            apiKeyId: request.apiKey?.id ?? null,
            // the source of a report without device_id and account_id (hashed; see submitReport)
            clientIp: request.ip,
          },
          { now: new Date(), placement, hashKey: deps.config.reportHashKey },
        )
        reply.code(201)
        return [
          {
            service_request_id: accepted.id,
            service_notice: accepted.notice,
            account_id: null,
            duplicate: accepted.duplicateOf !== null,
          },
        ]
      } catch (err) {
        if (!(err instanceof ReportRefused)) throw err
        if (err.code === 'report-cap-reached')
          reply.header('retry-after', String(err.details.retryAfterS))
        throw new AppError(REFUSAL_STATUS[err.code], err.code, err.message, err.details)
      }
    },
  )

  app.get(
    '/v1/requests/:id',
    {
      config: { roles: ['resident-app', 'analyst'] },
      schema: {
        tags: ['community reports'],
        summary:
          "A report's status, as the resident sees it (no contact details; residents' keys get no description or media_url)",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Array(RequestSchema), ...problemResponses(404) },
      },
    },
    async (request) => {
      const view = await findReportView(db, request.params.id)
      if (!view) throw new AppError(404, 'not-found', `no report ${request.params.id}`)
      // a duplicate shares the status of the report it was counted into, and only that
      const original = view.duplicateOf ? await findReportView(db, view.duplicateOf) : undefined
      const audience = request.apiKey?.role === 'resident-app' ? 'resident' : 'staff'
      return [toOpen311Of(view, original, audience)]
    },
  )
}
