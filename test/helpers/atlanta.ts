import { createReadStream } from 'node:fs'
import type { DbHandle } from '../../src/db/connect.js'
import { saveStation } from '../../src/db/plans.js'
import { uploadIncidents, type UploadOutcome } from '../../src/services/incident-upload.js'
import { NetworkCache } from '../../src/services/network-cache.js'
import { importNetworkFile } from '../../src/services/network-import.js'
import { RiskService } from '../../src/services/risk.js'

export const ATLANTA_PBF = 'data/atlanta/central-atlanta-filtered.osm.pbf'
/** APD Zone 5, about where the planning issue puts it. */
export const ZONE5 = { lon: -84.3935, lat: 33.7633 } as const

export interface SeedOptions {
  /** Network name (default `atlanta`). */
  readonly name?: string
  /** Give the network its zone at import (default true); false leaves it to the first upload. */
  readonly timezone?: boolean
  /** APD export years to upload, e.g. ['2021', '2022'] (default none). */
  readonly years?: readonly string[]
  /** The upload's `now` (default 2022-11-01, after the data). */
  readonly now?: Date
  /** Recompute risk snapshots after the upload (the service does; default false). */
  readonly rescore?: boolean
  /** Add the `apd-zone-5` station. */
  readonly station?: boolean
  /** Also store risk snapshots as of this instant. */
  readonly snapshotAsOf?: string
}

/** 2022's incidents, the Zone 5 station and risk snapshots as of 4 March 2022: enough to plan a shift that day. */
export const PLANNABLE_MARCH_2022: SeedOptions = Object.freeze({
  years: ['2022'],
  station: true,
  snapshotAsOf: '2022-03-04T00:00:00-05:00',
})

/**
 * The Atlanta demo network and, optionally, its real APD incidents, a station and risk snapshots,
 * loaded into a test database through the same services the API uses.
 */
export async function seedAtlanta(handle: DbHandle, options: SeedOptions = {}) {
  const name = options.name ?? 'atlanta'
  const networks = new NetworkCache(handle.db)
  const risk = new RiskService(handle.db, networks)
  await importNetworkFile(handle.db, createReadStream(ATLANTA_PBF), {
    name,
    sourceName: 'test',
    ...(options.timezone === false ? {} : { timezone: 'America/New_York' }),
  })
  let upload: UploadOutcome | undefined
  if (options.years?.length) {
    const files = options.years.map((y) => ({
      name: `COBRA-${y}.csv.gz`,
      open: () => createReadStream(`data/atlanta/COBRA-${y}.csv.gz`),
    }))
    upload = await uploadIncidents(
      handle,
      networks,
      {
        networkName: name,
        files,
        dryRun: false,
        now: options.now ?? new Date('2022-11-01T00:00:00Z'),
      },
      options.rescore ? risk : undefined,
    )
  }
  if (options.station)
    await saveStation(handle.db, name, { code: 'apd-zone-5', label: 'Zone 5', ...ZONE5 })
  if (options.snapshotAsOf)
    await risk.refreshSnapshots(
      (await networks.find(name))!,
      new Date(options.snapshotAsOf),
      'test',
    )
  return { networks, risk, upload }
}
