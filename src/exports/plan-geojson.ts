import { unitRouteLine, type PlanDocument } from './plan-document.js'

const round = ([lon, lat]: readonly [number, number]): [number, number] => [
  Math.round(lon * 1e7) / 1e7,
  Math.round(lat * 1e7) / 1e7,
]

/**
 * The plan as an RFC 7946 FeatureCollection: one LineString per unit (its whole route) and one
 * Point per stop, ordered unit by unit. Positions are [lon, lat].
 */
export function planToGeoJson(plan: PlanDocument) {
  const features = plan.units.flatMap((unit) => [
    {
      type: 'Feature' as const,
      id: `${unit.id}:route`,
      geometry: { type: 'LineString' as const, coordinates: unitRouteLine(unit).map(round) },
      properties: {
        kind: 'route',
        unit: unit.id,
        mode: unit.mode,
        km: unit.km,
        travelMinutes: unit.travelMinutes,
        dwellMinutes: unit.dwellMinutes,
        value: unit.value,
      },
    },
    ...unit.stops.map((stop) => ({
      type: 'Feature' as const,
      id: `${unit.id}:${stop.seq}`,
      geometry: { type: 'Point' as const, coordinates: round(stop.position) },
      properties: {
        kind: 'stop',
        unit: unit.id,
        seq: stop.seq,
        segmentId: stop.segmentId,
        street: stop.street,
        arrive: stop.arrive,
        leave: stop.leave,
        dwellMinutes: stop.dwellMinutes,
        expectedCrimes: stop.expectedCrimes,
        stopKind: stop.kind,
        reason: stop.reason,
      },
    })),
  ])
  return {
    type: 'FeatureCollection' as const,
    features,
    plan: plan.id,
    network: plan.network,
    shiftStart: plan.shiftStart,
    shiftEnd: plan.shiftEnd,
  }
}
