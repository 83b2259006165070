import type { Snap } from '../network/index.js'
import type { LoadedMode } from '../services/network-cache.js'
import { AppError } from './errors.js'

/** Farthest a route end, depot or station may lie from the street it starts on, metres. */
export const POINT_SNAP_RADIUS_M = 1000

function describeDistance(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`
}

/**
 * Snaps a point a caller gave onto the mode's streets.
 * @throws AppError 422 `too-far-from-street` saying how far the nearest street is.
 */
export function snapPoint(
  loaded: LoadedMode,
  [lon, lat]: readonly [number, number],
  what: string,
): Snap {
  const snap = loaded.snapIndex.snap(lon, lat, POINT_SNAP_RADIUS_M)
  if (snap) return snap
  const nearest = loaded.snapIndex.nearest(lon, lat)
  const how = nearest
    ? `the nearest ${loaded.mode} street is ${describeDistance(nearest.distanceM)} away`
    : 'the network has no streets'
  throw new AppError(
    422,
    'too-far-from-street',
    `${what} (${lon}, ${lat}) is outside the network: ${how}`,
    {
      field: what,
      nearestStreetM: nearest ? Math.round(nearest.distanceM) : null,
    },
  )
}
