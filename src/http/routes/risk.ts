import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { listSnapshots } from '../../db/risk.js'
import { CANONICAL_CATEGORIES } from '../../ingest/index.js'
import { NO_BUCKETS, rankBucket, type RiskExplanation, type SegmentRisk } from '../../risk/index.js'
import { TimezoneUnknownError, type RiskContext } from '../../services/risk.js'
import type { AppDeps } from '../app.js'
import { AppError, parseInstant } from '../errors.js'
import { featureCollection, parseBbox, roundPosition } from '../geojson.js'
import { problemResponses } from '../schemas.js'
import { MAX_INT4, requireNetwork } from './networks.js'

const BUCKET = '^(shift:[0-9]+|how:[0-9]{1,3}|all)$'
const Version = Type.Integer({ minimum: 1, maximum: MAX_INT4 })
const Mode = Type.Union([Type.Literal('drive'), Type.Literal('foot')], { default: 'drive' })

const RiskProperties = Type.Object({
  segmentId: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  highway: Type.String(),
  lengthM: Type.Number(),
  rank: Type.Integer(),
  percentile: Type.Number(),
  expected: Type.Number({
    description: 'expected victim-reported crimes on the segment in the bucket',
  }),
  expectedPerKm: Type.Number({
    description: 'expected victim-reported crimes per km in the bucket',
  }),
  why: Type.String({ description: 'the explanation in one sentence' }),
  explanation: Type.Object({}, { additionalProperties: true }),
})
const RiskPage = featureCollection(RiskProperties, {
  network: Type.String(),
  version: Type.Integer(),
  mode: Type.String(),
  asOf: Type.String(),
  bucket: Type.String(),
  window: Type.Object({ start: Type.String(), end: Type.String() }),
  expectedTotal: Type.Number(),
  scorer: Type.String(),
  incidents: Type.Integer(),
})

const label = (category: string) =>
  CANONICAL_CATEGORIES.get(category)?.label.toLowerCase() ?? category
const percent = (x: number) => `${Math.round(x * 100)} %`

/** The explanation in one sentence a supervisor can read at roll call. */
export function explainInWords(e: RiskExplanation): string {
  const recent = e.crimes.reduce((n, c) => n + c.last30Days + c.last365Days, 0)
  const older = e.crimes.reduce((n, c) => n + c.older, 0)
  const kinds = e.crimes
    .slice(0, 3)
    .map((c) => `${c.last30Days + c.last365Days + c.older} ${label(c.category)}`)
    .join(', ')
  const history =
    recent + older === 0
      ? 'no recorded crime here'
      : `${recent} crimes here in the last year and ${older} before (${kinds})`
  const total = e.terms.longTerm + e.terms.borrowed + e.terms.nearRepeat + e.terms.residentReports
  const borrowed =
    total > 0 && e.terms.borrowed / total >= 0.1
      ? `; ${percent(e.terms.borrowed / total)} borrowed from all crime types`
      : ''
  const reports =
    e.residentReportsShare > 0
      ? `; resident reports ${percent(e.residentReportsShare)}`
      : '; resident reports 0 %'
  return `${history}; ${percent(e.bucketShare)} of this segment's crime falls in this time bucket (network ${percent(e.networkBucketShare)})${borrowed}${reports}`
}

function toFeature(context: RiskContext, s: SegmentRisk) {
  const segment = context.loaded.segments[context.seqOf[s.segmentIndex]!]!
  return {
    type: 'Feature' as const,
    id: segment.id,
    geometry: { type: 'LineString' as const, coordinates: segment.geometry.map(roundPosition) },
    properties: {
      segmentId: segment.id,
      name: segment.name,
      highway: segment.highway,
      lengthM: Math.round(segment.lengthM * 10) / 10,
      rank: s.rank,
      percentile: Math.round(s.percentile * 100) / 100,
      expected: s.expected,
      expectedPerKm: s.expectedPerKm,
      why: explainInWords(s.explanation),
      explanation: s.explanation as unknown as Record<string, never>,
    },
  }
}

/** `GET /v1/risk` (ranked segments for one bucket, explained) and the snapshots list. */
export async function riskRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get(
    '/v1/risk',
    {
      config: { roles: ['analyst', 'supervisor', 'scheduler'] },
      schema: {
        tags: ['risk'],
        summary:
          'Street segments ranked by expected victim-reported crime per km in one time bucket, each explained',
        querystring: Type.Object(
          {
            network: Type.String({ maxLength: 63 }),
            at: Type.Optional(
              Type.String({
                format: 'date-time',
                description: 'forecast instant (default now); only crimes reported by then count',
              }),
            ),
            bucket: Type.Optional(
              Type.String({
                pattern: BUCKET,
                description:
                  'shift:0 (07–15), shift:1 (15–23), shift:2 (23–07), how:0…167 (Monday 00:00 = 0), all; default the shift at `at`',
              }),
            ),
            mode: Mode,
            bbox: Type.Optional(Type.String({ description: 'west,south,east,north' })),
            limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100 }),
            version: Type.Optional(Version),
          },
          { additionalProperties: false },
        ),
        response: { 200: RiskPage, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const q = request.query
      const asOf = q.at ? parseInstant(q.at, 'at') : new Date()
      const network = await requireNetwork(deps, q.network, q.version)
      const bbox = q.bbox === undefined ? undefined : parseBbox(q.bbox)
      if (q.bbox !== undefined && !bbox)
        throw new AppError(400, 'validation-failed', 'bbox must be west,south,east,north', {
          field: 'bbox',
        })
      let context: RiskContext
      try {
        context = await deps.risk.context(network, q.mode)
      } catch (err) {
        if (err instanceof TimezoneUnknownError) throw new AppError(409, err.code, err.message)
        throw err
      }
      const scheme = q.bucket?.startsWith('how:') ? 'how' : 'shift'
      const params = deps.risk.paramsFor(context, q.bucket === 'all' ? 'shift' : scheme)
      const model = deps.risk.model(
        context,
        q.bucket === 'all' ? { ...params, buckets: NO_BUCKETS } : params,
        asOf.getTime(),
      )
      const [w, s, e, n] = bbox ?? [-180, -90, 180, 90]
      const inBox = (seg: { point?: readonly [number, number] }) =>
        !bbox ||
        (seg.point !== undefined &&
          seg.point[0] >= w &&
          seg.point[0] <= e &&
          seg.point[1] >= s &&
          seg.point[1] <= n)
      let ranking
      try {
        ranking = rankBucket(model, { bucket: q.bucket, include: inBox, limit: q.limit })
      } catch (err) {
        if (err instanceof RangeError)
          throw new AppError(400, 'validation-failed', err.message, { field: 'bucket' })
        throw err
      }
      return {
        type: 'FeatureCollection' as const,
        features: ranking.segments.map((r) => toFeature(context, r)),
        network: network.name,
        version: network.version,
        mode: q.mode,
        asOf: asOf.toISOString(),
        bucket: ranking.bucket,
        window: {
          start: new Date(ranking.startMs).toISOString(),
          end: new Date(ranking.endMs).toISOString(),
        },
        expectedTotal: ranking.expectedTotal,
        scorer: context.paramsSource,
        incidents: context.data.incidents.length,
      }
    },
  )

  app.get(
    '/v1/risk/snapshots',
    {
      config: { roles: ['analyst', 'supervisor', 'scheduler'] },
      schema: {
        tags: ['risk'],
        summary:
          "A network's stored risk snapshots (recomputed after each upload; plans and schedules read them)",
        querystring: Type.Object(
          {
            network: Type.String({ maxLength: 63 }),
            version: Type.Optional(Version),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const network = await requireNetwork(deps, request.query.network, request.query.version)
      const rows = await listSnapshots(deps.db, network.id)
      return {
        network: network.name,
        version: network.version,
        snapshots: rows.map((r) => ({
          id: r.id,
          mode: r.mode,
          scheme: r.scheme,
          asOf: r.as_of.toISOString(),
          computedAt: r.computed_at.toISOString(),
          trigger: r.trigger,
          incidents: r.incident_count,
          buckets: r.bucket_ids.length,
          expectedPerWeek:
            r.scheme === 'how' ? r.bucket_totals.reduce((a, b) => a + b, 0) : undefined,
          expectedPerShift:
            r.scheme === 'shift'
              ? Object.fromEntries(r.bucket_ids.map((id, i) => [id, r.bucket_totals[i]]))
              : undefined,
        })),
      }
    },
  )

  app.post(
    '/v1/risk/snapshots',
    {
      config: { roles: ['analyst', 'scheduler'] },
      schema: {
        tags: ['risk'],
        summary:
          'Compute and store snapshots (both modes, shift and hour-of-week) as of an instant, e.g. to plan a past or future date',
        body: Type.Object(
          { network: Type.String({ maxLength: 63 }), asOf: Type.String({ format: 'date-time' }) },
          { additionalProperties: false },
        ),
        response: { ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const asOf = parseInstant(request.body.asOf, 'asOf')
      const network = await requireNetwork(deps, request.body.network)
      try {
        const snapshots = await deps.risk.refreshSnapshots(
          network,
          asOf,
          `request by ${request.apiKey?.id}`,
        )
        reply.code(201)
        return {
          network: network.name,
          version: network.version,
          snapshots: snapshots.map((s) => ({
            id: s.id,
            mode: s.mode,
            scheme: s.scheme,
            asOf: s.asOf.toISOString(),
          })),
        }
      } catch (err) {
        if (err instanceof TimezoneUnknownError) throw new AppError(409, err.code, err.message)
        throw err
      }
    },
  )
}
