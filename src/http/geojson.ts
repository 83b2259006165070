import { Type } from 'typebox'

/** RFC 7946 LineString, positions [lon, lat]. */
export const LineStringSchema = Type.Object({
  type: Type.Literal('LineString'),
  coordinates: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })),
})

/** A FeatureCollection of LineStrings with the given properties and optional foreign members. */
export function featureCollection<
  P extends ReturnType<typeof Type.Object>,
  X extends Record<string, any>,
>(properties: P, members: X = {} as X) {
  return Type.Object({
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Type.Optional(Type.String()),
        geometry: LineStringSchema,
        properties,
      }),
    ),
    ...members,
  })
}

/** Rounds a position to 7 decimals (≈ 1 cm): enough for streets, and smaller output. */
export function roundPosition([lon, lat]: readonly [number, number]): [number, number] {
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]
}

const BBOX_PATTERN = /^(-?\d+(\.\d+)?),(-?\d+(\.\d+)?),(-?\d+(\.\d+)?),(-?\d+(\.\d+)?)$/

/** Parses `west,south,east,north`; undefined when malformed or out of range. */
export function parseBbox(text: string): [number, number, number, number] | undefined {
  const m = BBOX_PATTERN.exec(text)
  if (!m) return undefined
  const [w, s, e, n] = [m[1], m[3], m[5], m[7]].map(Number)
  if (w < -180 || e > 180 || s < -90 || n > 90 || w > e || s > n) return undefined
  return [w, s, e, n]
}

/** Parses `lon,lat`; undefined when malformed or out of range. */
export function parseLonLat(text: string): [number, number] | undefined {
  const m = /^(-?\d+(\.\d+)?),(-?\d+(\.\d+)?)$/.exec(text)
  if (!m) return undefined
  const [lon, lat] = [Number(m[1]), Number(m[3])]
  return Math.abs(lon) <= 180 && Math.abs(lat) <= 90 ? [lon, lat] : undefined
}
