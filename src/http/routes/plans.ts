import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { findPlan, listStations, saveStation } from '../../db/plans.js'
import {
  planToCsv,
  planToGeoJson,
  planToGpx,
  planToKml,
  type PlanDocument,
} from '../../exports/index.js'
import { createPlan, PlanRefused, type PlanInput } from '../../services/plans.js'
import { TimezoneUnknownError } from '../../services/risk.js'
import type { AppDeps } from '../app.js'
import { clientGone } from '../client-gone.js'
import { AppError, parseInstant } from '../errors.js'
import { problemResponses } from '../schemas.js'
import { requireNetwork } from './networks.js'

const REFUSAL_STATUS: Readonly<Record<PlanRefused['code'], number>> = {
  'network-not-found': 404,
  'no-risk-snapshot': 409,
  'too-far-from-street': 422,
  'unknown-station': 422,
  'unknown-segment': 422,
  'invalid-plan-request': 400,
  'end-unreachable': 422,
}

const Point = Type.Union([
  Type.Object(
    {
      lon: Type.Number({ minimum: -180, maximum: 180 }),
      lat: Type.Number({ minimum: -90, maximum: 90 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { station: Type.String({ minLength: 1, maxLength: 60 }) },
    { additionalProperties: false },
  ),
])
const Polygon = Type.Object({
  type: Type.Literal('Polygon'),
  coordinates: Type.Array(
    Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }), { minItems: 4 }),
    { minItems: 1 },
  ),
})
const Area = Type.Object(
  {
    segments: Type.Optional(Type.Array(Type.String({ maxLength: 80 }), { maxItems: 1000 })),
    polygons: Type.Optional(Type.Array(Polygon, { maxItems: 50 })),
  },
  { additionalProperties: false },
)

export const PlanBody = Type.Object(
  {
    network: Type.String({ maxLength: 63 }),
    shiftStart: Type.String({
      format: 'date-time',
      description: 'ISO 8601 with an offset, e.g. 2022-03-04T15:00:00-05:00',
    }),
    shiftHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 }),
    units: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, maxLength: 40 }),
          mode: Type.Union([Type.Literal('drive'), Type.Literal('foot')]),
          start: Point,
          end: Type.Optional(Point),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 40 },
    ),
    dwellMinutes: Type.Number({ minimum: 1, maximum: 60, default: 12 }),
    minRevisitMinutes: Type.Number({ minimum: 0, maximum: 1440, default: 30 }),
    explorationShare: Type.Number({ minimum: 0, maximum: 0.5, default: 0.1 }),
    maxDwellsPerSegment: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 48,
        description: 'dosage cap: most dwells on one segment per shift, all units together',
      }),
    ),
    seed: Type.Integer({ minimum: -2147483648, maximum: 2147483647 }),
    include: Type.Optional(Area),
    suppress: Type.Optional(Area),
    asOf: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'instant of the risk snapshot; default the latest before the shift',
      }),
    ),
  },
  { additionalProperties: false },
)

const PlanSchema = Type.Object(
  {
    id: Type.String(),
    units: Type.Array(
      Type.Object(
        { id: Type.String(), stops: Type.Array(Type.Object({}, { additionalProperties: true })) },
        { additionalProperties: true },
      ),
    ),
    totals: Type.Object({
      value: Type.Number(),
      teleportBound: Type.Number(),
      ratio: Type.Number(),
      km: Type.Number(),
      travelMinutes: Type.Number(),
      dwellMinutes: Type.Number(),
    }),
    warnings: Type.Array(
      Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }),
    ),
  },
  { additionalProperties: true },
)

const OFFSET = /(Z|[+-]\d{2}:\d{2})$/i

/** The request body as the plan service reads it; field-level checks the schema cannot make. */
export function planInputOf(body: Static<typeof PlanBody>): PlanInput {
  if (!OFFSET.test(body.shiftStart)) {
    throw new AppError(
      400,
      'validation-failed',
      'shiftStart needs an offset or Z (a local time is ambiguous)',
      { field: 'shiftStart' },
    )
  }
  if (body.dwellMinutes > body.shiftHours * 60) {
    throw new AppError(
      400,
      'validation-failed',
      `dwellMinutes ${body.dwellMinutes} is longer than the ${body.shiftHours} h shift`,
      { field: 'dwellMinutes' },
    )
  }
  const ids = body.units.map((u) => u.id)
  if (new Set(ids).size !== ids.length)
    throw new AppError(400, 'validation-failed', 'unit ids must be unique', { field: 'units' })
  return {
    ...body,
    shiftStart: parseInstant(body.shiftStart, 'shiftStart'),
    asOf: body.asOf ? parseInstant(body.asOf, 'asOf') : undefined,
    include: body.include as PlanInput['include'],
    suppress: body.suppress as PlanInput['suppress'],
  }
}

/** Maps the plan service's refusals and misuse errors to problem+json. */
export function planProblem(err: unknown): unknown {
  if (err instanceof PlanRefused)
    return new AppError(REFUSAL_STATUS[err.code], err.code, err.message, err.details)
  if (err instanceof TimezoneUnknownError) return new AppError(409, err.code, err.message)
  if (err instanceof RangeError) return new AppError(400, 'invalid-plan-request', err.message)
  return err
}

/**
 * Aborts when nobody waits for the answer any more: the client closed the connection, or Fastify's
 * handler timeout has answered 503 `timeout` (the handler itself keeps running). A plan made
 * after that is not stored.
 */
function abandoned(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const timedOut = new AbortController()
  // request.signal also aborts (without a reason) when the request body has been read: only
  // Fastify's timeout error counts
  const onAbort = () => {
    const reason: unknown = request.signal.reason
    if ((reason as { code?: unknown } | undefined)?.code === 'FST_ERR_HANDLER_TIMEOUT')
      timedOut.abort(reason)
  }
  if (request.signal.aborted) onAbort()
  else request.signal.addEventListener('abort', onAbort, { once: true })
  return AbortSignal.any([clientGone(reply), timedOut.signal])
}

const EXPORTS: Readonly<Record<string, { type: string; render: (plan: PlanDocument) => string }>> =
  {
    json: { type: 'application/json; charset=utf-8', render: (p) => JSON.stringify(p) },
    geojson: {
      type: 'application/geo+json; charset=utf-8',
      render: (p) => JSON.stringify(planToGeoJson(p)),
    },
    gpx: { type: 'application/gpx+xml; charset=utf-8', render: planToGpx },
    kml: { type: 'application/vnd.google-earth.kml+xml; charset=utf-8', render: planToKml },
    csv: { type: 'text/csv; charset=utf-8', render: planToCsv },
  }

/** Shift plans: make one, read it back, export it; named stations units start from. */
export async function planRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post(
    '/v1/plans',
    {
      config: { roles: ['supervisor'] },
      schema: {
        tags: ['plans'],
        summary:
          'Plan a shift: N units dwelling on risky segments when they are risky (same request and seed → same plan)',
        body: PlanBody,
        response: { 201: PlanSchema, ...problemResponses(400, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const input = planInputOf(request.body)
      try {
        const plan = await createPlan(
          deps,
          input,
          { signal: abandoned(request, reply) },
          request.apiKey?.id ?? null,
        )
        reply.code(201).header('location', `/v1/plans/${plan.id}`)
        // the schema lists the required core; the serializer keeps the document's other fields
        return plan as unknown as Static<typeof PlanSchema>
      } catch (err) {
        throw planProblem(err)
      }
    },
  )

  app.get(
    '/v1/plans/:file',
    {
      config: { roles: ['supervisor', 'analyst', 'scheduler'] },
      schema: {
        tags: ['plans'],
        summary: 'A stored plan: /v1/plans/{id} (JSON) or {id}.geojson, .gpx, .kml, .csv',
        params: Type.Object({
          file: Type.String({ pattern: '^[0-9a-f-]{36}(\\.(json|geojson|gpx|kml|csv))?$' }),
        }),
      },
    },
    async (request, reply) => {
      const [id, extension = 'json'] = request.params.file.split('.')
      const plan = await findPlan(deps.db, id!)
      if (!plan) throw new AppError(404, 'not-found', `no plan ${id}`)
      const format = EXPORTS[extension]!
      reply.type(format.type)
      if (extension !== 'json')
        reply.header('content-disposition', `attachment; filename="plan-${id}.${extension}"`)
      return format.render(plan)
    },
  )

  app.get(
    '/v1/networks/:name/stations',
    {
      config: { roles: ['supervisor', 'analyst', 'scheduler'] },
      schema: {
        tags: ['plans'],
        summary: 'Named stations (depots) units can start from',
        params: Type.Object({ name: Type.String({ maxLength: 63 }) }),
      },
    },
    async (request) => {
      const network = await requireNetwork(deps, request.params.name)
      return { network: network.name, stations: await listStations(deps.db, network.name) }
    },
  )

  app.put(
    '/v1/networks/:name/stations/:code',
    {
      config: { roles: ['analyst'] },
      schema: {
        tags: ['plans'],
        summary: 'Create or move a named station',
        params: Type.Object({
          name: Type.String({ maxLength: 63 }),
          code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,59}$' }),
        }),
        body: Type.Object(
          {
            label: Type.String({ minLength: 1, maxLength: 120 }),
            lon: Type.Number({ minimum: -180, maximum: 180 }),
            lat: Type.Number({ minimum: -90, maximum: 90 }),
          },
          { additionalProperties: false },
        ),
        response: { ...problemResponses(400, 404, 422) },
      },
    },
    async (request) => {
      const network = await requireNetwork(deps, request.params.name)
      const loaded = await deps.networks.mode(network, 'drive')
      const nearest = loaded.snapIndex.nearest(request.body.lon, request.body.lat)
      if (!nearest || nearest.distanceM > 1000) {
        throw new AppError(
          422,
          'too-far-from-street',
          `the station is ${nearest ? Math.round(nearest.distanceM) : '?'} m from the nearest street (limit 1000 m)`,
          {
            field: 'lon',
          },
        )
      }
      const station = { code: request.params.code, ...request.body }
      await saveStation(deps.db, network.name, station)
      return station
    },
  )
}
