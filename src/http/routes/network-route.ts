import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { findRoute, routeToLineString } from '../../network/index.js'
import type { AppDeps } from '../app.js'
import { AppError } from '../errors.js'
import { LineStringSchema, parseLonLat, roundPosition } from '../geojson.js'
import { problemResponses } from '../schemas.js'
import { snapPoint } from '../snap-point.js'
import { requireNetwork } from './networks.js'

const RouteFeature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Union([LineStringSchema, Type.Null()]),
  properties: Type.Object({
    status: Type.Union([Type.Literal('found'), Type.Literal('unreachable')]),
    mode: Type.String(),
    network: Type.String(),
    version: Type.Integer(),
    lengthM: Type.Union([Type.Number(), Type.Null()]),
    travelTimeS: Type.Union([Type.Number(), Type.Null()]),
    fromSnapM: Type.Number(),
    toSnapM: Type.Number(),
    segments: Type.Array(Type.String()),
  }),
})

/** `GET /v1/networks/:name/route`: the shortest path between two points as a GeoJSON Feature. */
export async function networkRouteRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    '/v1/networks/:name/route',
    {
      config: { roles: ['analyst', 'supervisor', 'scheduler'] },
      schema: {
        tags: ['networks'],
        summary:
          'Shortest path between two points (one-ways respected for drive); "unreachable" is a value, not an error',
        params: Type.Object({ name: Type.String({ maxLength: 63 }) }),
        querystring: Type.Object(
          {
            from: Type.String({ description: 'lon,lat' }),
            to: Type.String({ description: 'lon,lat' }),
            mode: Type.Union([Type.Literal('drive'), Type.Literal('foot')], { default: 'drive' }),
            version: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RouteFeature, ...problemResponses(400, 404, 422) },
      },
    },
    async (request) => {
      const q = request.query
      const from = parseLonLat(q.from)
      const to = parseLonLat(q.to)
      if (!from || !to)
        throw new AppError(
          400,
          'validation-failed',
          `${from ? 'to' : 'from'} must be lon,lat in degrees`,
          { field: from ? 'to' : 'from' },
        )
      const network = await requireNetwork(deps, request.params.name, q.version)
      const loaded = await deps.networks.mode(network, q.mode)
      const a = snapPoint(loaded, from, 'from')
      const b = snapPoint(loaded, to, 'to')
      const route = findRoute(
        loaded.graph,
        { segment: a.segment, offsetM: a.offsetM },
        { segment: b.segment, offsetM: b.offsetM },
      )
      const line = routeToLineString(loaded.graph, route)
      const found = route.status === 'found'
      return {
        type: 'Feature' as const,
        geometry: line
          ? { type: 'LineString' as const, coordinates: line.coordinates.map(roundPosition) }
          : null,
        properties: {
          status: route.status,
          mode: q.mode,
          network: network.name,
          version: network.version,
          lengthM: found ? Math.round(route.lengthM * 10) / 10 : null,
          travelTimeS: found ? Math.round(route.cost * 10) / 10 : null,
          fromSnapM: Math.round(a.distanceM * 10) / 10,
          toSnapM: Math.round(b.distanceM * 10) / 10,
          segments: [...new Set(route.steps.map((s) => loaded.graph.segmentIds[s.segment]!))],
        },
      }
    },
  )
}
