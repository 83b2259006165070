import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import {
  findNetwork,
  listNetworks,
  listSegmentsInBbox,
  type NetworkVersion,
} from '../../db/networks.js'
import { NetworkImportError } from '../../network/errors.js'
import { importNetworkFile, NETWORK_NAME } from '../../services/network-import.js'
import type { AppDeps } from '../app.js'
import { AppError } from '../errors.js'
import { featureCollection, parseBbox, roundPosition } from '../geojson.js'
import { problemResponses } from '../schemas.js'
import { readUpload } from '../upload.js'

const ModeStats = Type.Object({
  segments: Type.Integer(),
  km: Type.Number(),
  ways: Type.Integer(),
  onewaySegments: Type.Integer(),
  directedEdges: Type.Integer(),
  nodes: Type.Integer(),
})
const Modes = Type.Object({ drive: ModeStats, foot: ModeStats })

export const NetworkSchema = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  importedAt: Type.String({ format: 'date-time' }),
  source: Type.Object({
    name: Type.Union([Type.String(), Type.Null()]),
    bytes: Type.Integer(),
    sha256: Type.String(),
  }),
  timezone: Type.Union([Type.String(), Type.Null()]),
  modes: Modes,
  unfiltered: Type.Optional(Modes),
})

function toNetworkJson(n: NetworkVersion): Static<typeof NetworkSchema> {
  return {
    name: n.name,
    version: n.version,
    bbox: [...n.bbox],
    importedAt: n.importedAt.toISOString(),
    source: { name: n.sourceName, bytes: n.sourceBytes, sha256: n.sourceSha256 },
    timezone: n.timezone,
    modes: n.stats.modes,
    ...(n.stats.unfiltered ? { unfiltered: n.stats.unfiltered } : {}),
  }
}

/** Largest PostgreSQL `integer`: versions and cursors beyond it cannot exist. */
export const MAX_INT4 = 2147483647

const ModeParam = Type.Union([Type.Literal('drive'), Type.Literal('foot')], { default: 'drive' })
const SegmentProperties = Type.Object({
  id: Type.String(),
  mode: Type.String(),
  wayId: Type.Integer(),
  highway: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  lengthM: Type.Number(),
  speedKmh: Type.Number(),
  oneway: Type.Boolean(),
})
const SegmentPage = featureCollection(SegmentProperties, {
  numberReturned: Type.Integer(),
  next: Type.Union([Type.String(), Type.Null()]),
})

/** Finds the named network (newest version unless one is given) or answers 404. */
export async function requireNetwork(
  deps: Pick<AppDeps, 'db'>,
  name: string,
  version?: number,
): Promise<NetworkVersion> {
  // routes whose schema does not bound the version still answer 400, not a database error
  if (version !== undefined && !(Number.isInteger(version) && version >= 1 && version <= MAX_INT4))
    throw new AppError(
      400,
      'validation-failed',
      `version must be an integer from 1 to ${MAX_INT4}`,
      { field: 'version' },
    )
  const network = await findNetwork(deps.db, name, version)
  if (!network) {
    throw new AppError(
      404,
      'network-not-found',
      version ? `network ${name} has no version ${version}` : `no network named "${name}"`,
    )
  }
  return network
}

/** Street networks: import a PBF, list versions, page through segments as GeoJSON. */
export async function networkRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = deps

  app.post(
    '/v1/networks',
    {
      config: { roles: ['analyst'] },
      handlerTimeout: 600_000,
      schema: {
        tags: ['networks'],
        summary:
          'Import an OSM PBF as a new version of a street network (multipart: field "name", then "file")',
        querystring: Type.Object(
          { name: Type.Optional(Type.String({ pattern: NETWORK_NAME.source })) },
          { additionalProperties: false },
        ),
        response: { 201: NetworkSchema, ...problemResponses(400, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request, { fields: ['name', 'timezone'] })
      const name = request.query.name ?? upload.fields.name
      if (!name || !NETWORK_NAME.test(name)) {
        upload.discard()
        throw new AppError(
          400,
          'validation-failed',
          `give the network a name matching ${NETWORK_NAME} (field "name" before the file, or ?name=)`,
        )
      }
      try {
        const { network, timings, resnapped, snapshots, snapshotError } = await importNetworkFile(
          deps.handle,
          upload.content,
          {
            name,
            sourceName: upload.filename,
            timezone: upload.fields.timezone || undefined,
            risk: deps.risk,
            now: new Date(),
          },
        )
        request.log.info(
          { network: name, version: network.version, ...timings, resnapped, snapshots },
          'network imported',
        )
        if (snapshotError)
          request.log.error(
            { error: snapshotError },
            'risk snapshots not recomputed after network import',
          )
        reply.code(201)
        return toNetworkJson(network)
      } catch (err) {
        if (err instanceof NetworkImportError) throw new AppError(422, err.code, err.message)
        if (err instanceof RangeError)
          throw new AppError(400, 'validation-failed', err.message, { field: 'timezone' })
        throw err
      }
    },
  )

  app.get(
    '/v1/networks',
    {
      config: { roles: ['analyst', 'supervisor', 'scheduler'] },
      schema: {
        tags: ['networks'],
        summary: 'Every version of every street network',
        response: { 200: Type.Object({ networks: Type.Array(NetworkSchema) }) },
      },
    },
    async () => ({ networks: (await listNetworks(db)).map(toNetworkJson) }),
  )

  app.get(
    '/v1/networks/:name/segments',
    {
      config: { roles: ['analyst', 'supervisor', 'scheduler'] },
      schema: {
        tags: ['networks'],
        summary: 'Street segments in a bounding box as RFC 7946 GeoJSON, paged (follow `next`)',
        params: Type.Object({ name: Type.String({ maxLength: 63 }) }),
        querystring: Type.Object(
          {
            bbox: Type.Optional(
              Type.String({ description: 'west,south,east,north (default: the whole network)' }),
            ),
            mode: ModeParam,
            version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT4 })),
            limit: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }),
            after: Type.Integer({
              minimum: -1,
              maximum: MAX_INT4,
              default: -1,
              description: 'cursor from the previous page',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SegmentPage, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const q = request.query
      const network = await requireNetwork(deps, request.params.name, q.version)
      const bbox = q.bbox === undefined ? network.bbox : parseBbox(q.bbox)
      if (!bbox)
        throw new AppError(
          400,
          'validation-failed',
          'bbox must be west,south,east,north in degrees, west ≤ east, south ≤ north',
        )
      const page = await listSegmentsInBbox(db, network.id, q.mode, bbox, q.after, q.limit + 1)
      const shown = page.slice(0, q.limit)
      const next =
        page.length > q.limit
          ? `/v1/networks/${network.name}/segments?${new URLSearchParams({ bbox: bbox.join(','), mode: q.mode, version: String(network.version), limit: String(q.limit), after: String(shown.at(-1)!.seq) })}`
          : null
      return {
        type: 'FeatureCollection' as const,
        features: shown.map(({ segment: s }) => ({
          type: 'Feature' as const,
          id: s.id,
          geometry: { type: 'LineString' as const, coordinates: s.geometry.map(roundPosition) },
          properties: {
            id: s.id,
            mode: q.mode,
            wayId: s.wayId,
            highway: s.highway,
            name: s.name,
            lengthM: s.lengthM,
            speedKmh: s.speedKmh,
            oneway: s.oneway,
          },
        })),
        numberReturned: shown.length,
        next,
      }
    },
  )
}
