import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database, ModeStats } from '../db/database.js'
import { insertNetworkVersion, insertSegments, type NetworkVersion } from '../db/networks.js'
import { importNetwork } from '../network/import-network.js'
import { DRIVE, DRIVE_AS_PROVENANCE, FOOT, FOOT_AS_PROVENANCE } from '../network/profiles.js'
import type { ModeTotals } from '../network/street-segment.js'

/** Network names: lower-case words joined by hyphens, as they appear in URLs. */
export const NETWORK_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

/** True for an IANA time zone name this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return name.includes('/') || name === 'UTC'
  } catch {
    return false
  }
}

export interface ImportedNetwork {
  readonly network: NetworkVersion
  /** Milliseconds: reading the PBF, cutting segments, writing the database. */
  readonly timings: {
    readonly readMs: number
    readonly segmentsMs: number
    readonly storeMs: number
  }
}

function modeStats(totals: ModeTotals): ModeStats {
  return { ...totals, km: Math.round(totals.km * 1000) / 1000 }
}

/** Passes the bytes through while hashing and counting them. */
async function* measured(
  source: AsyncIterable<Uint8Array>,
  into: { bytes: number; hash: ReturnType<typeof createHash> },
) {
  for await (const chunk of source) {
    into.bytes += chunk.byteLength
    into.hash.update(chunk)
    yield chunk
  }
}

/**
 * Reads an OSM PBF stream and stores it as a new version of the named network, both modes, in
 * one transaction: a failure leaves nothing behind. A name already taken gets the next version;
 * older versions stay.
 * @throws NetworkImportError (not a PBF, truncated, empty, no highways) before anything is written.
 */
export async function importNetworkFile(
  db: Kysely<Database>,
  source: AsyncIterable<Uint8Array>,
  options: {
    readonly name: string
    readonly sourceName: string | null
    readonly timezone?: string
  },
): Promise<ImportedNetwork> {
  if (!NETWORK_NAME.test(options.name)) {
    throw new Error(`network name must match ${NETWORK_NAME}, got "${options.name}"`)
  }
  if (options.timezone !== undefined && !isTimeZone(options.timezone)) {
    throw new RangeError(
      `timezone must be an IANA zone such as America/New_York, got "${options.timezone}"`,
    )
  }
  const counter = { bytes: 0, hash: createHash('sha256') }
  const now = () => performance.now()
  // the as-PROVENANCE profiles only count: the README shows both numbers side by side
  const result = await importNetwork(measured(source, counter), {
    profiles: [DRIVE, FOOT, DRIVE_AS_PROVENANCE, FOOT_AS_PROVENANCE],
    now,
  })
  const [drive, foot, driveAll, footAll] = result.sets
  const t0 = now()
  const network = await db.transaction().execute(async (trx) => {
    const version = await insertNetworkVersion(trx, {
      name: options.name,
      sourceName: options.sourceName,
      sourceBytes: counter.bytes,
      sourceSha256: counter.hash.digest('hex'),
      bbox: result.bbox,
      timezone: options.timezone,
      stats: {
        modes: { drive: modeStats(drive.totals), foot: modeStats(foot.totals) },
        unfiltered: { drive: modeStats(driveAll.totals), foot: modeStats(footAll.totals) },
      },
    })
    await insertSegments(trx, version.id, 'drive', drive.segments)
    await insertSegments(trx, version.id, 'foot', foot.segments)
    return version
  })
  const timings = {
    readMs: result.timings!.readMs,
    segmentsMs: result.timings!.segmentsMs,
    storeMs: now() - t0,
  }
  return { network, timings }
}
