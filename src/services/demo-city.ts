import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DbHandle } from '../db/connect.js'
import { findNetwork } from '../db/networks.js'
import { saveStation } from '../db/plans.js'
import type { Logger } from '../log.js'
import { uploadIncidents } from './incident-upload.js'
import type { NetworkCache } from './network-cache.js'
import type { RiskService } from './risk.js'
import { importNetworkFile } from './network-import.js'

export const DEMO_NETWORK = 'atlanta'
const DEMO_PBF = 'atlanta/central-atlanta-filtered.osm.pbf'
const DEMO_STATIONS = 'atlanta/stations.json'
const DEMO_INCIDENTS = ['2019', '2020-Old', '2020', '2021', '2022'].map(
  (y) => `atlanta/COBRA-${y}.csv.gz`,
)

/**
 * Loads the Atlanta demo city on first start: its street network, then the five APD exports as
 * one ordinary upload. Does nothing when a network of that name exists (later starts, or a
 * deployment with its own data).
 * @returns what was loaded, or undefined when nothing was.
 */
export async function loadDemoCity(
  handle: DbHandle,
  networks: NetworkCache,
  risk: RiskService,
  dataDir: string,
  log: Logger,
): Promise<{ networkId: number; uploadId: string } | undefined> {
  if (await findNetwork(handle.db, DEMO_NETWORK)) return undefined
  const pbf = join(dataDir, DEMO_PBF)
  if (!existsSync(pbf)) {
    log.warn({ file: pbf }, 'demo city not found: starting with no network')
    return undefined
  }
  const { network, timings } = await importNetworkFile(handle.db, createReadStream(pbf), {
    name: DEMO_NETWORK,
    sourceName: DEMO_PBF,
    timezone: 'America/New_York',
  })
  log.info({ network: network.name, version: network.version, ...timings }, 'demo network imported')
  const stations = join(dataDir, DEMO_STATIONS)
  if (existsSync(stations)) {
    for (const station of JSON.parse(readFileSync(stations, 'utf8')).stations)
      await saveStation(handle.db, DEMO_NETWORK, station)
  }
  const files = DEMO_INCIDENTS.map((f) => join(dataDir, f)).filter((f) => existsSync(f))
  const { upload, snapshots, snapshotError } = await uploadIncidents(
    handle,
    networks,
    {
      networkName: DEMO_NETWORK,
      files: files.map((f) => ({ name: f, open: () => createReadStream(f) })),
      dryRun: false,
      now: new Date(),
    },
    risk,
  )
  log.info(
    { upload: upload.id, status: upload.status, snapshots: snapshots?.length, snapshotError },
    'demo incidents loaded',
  )
  return { networkId: network.id, uploadId: upload.id }
}
