import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { NetworkCache } from '../services/network-cache.js'
import { importNetworkFile } from '../services/network-import.js'
import { RiskService } from '../services/risk.js'
import { action, withDatabase } from './command.js'

/** `patrol network import <file.osm.pbf> --name <name>`. */
export function addNetworkCommands(program: Command): void {
  const network = program.command('network').description('street networks from OpenStreetMap')
  network
    .command('import')
    .description('import an OSM PBF as a new version of a named network (drive and foot modes)')
    .argument('<file>', 'an .osm.pbf file')
    .requiredOption(
      '--name <name>',
      'network name, e.g. atlanta (a name already taken gets a new version)',
    )
    .option(
      '--timezone <IANA>',
      "local time zone of shifts, e.g. America/New_York (default: the previous version's, or the first upload's)",
    )
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(async (ctx, file: string, opts: { name: string; timezone?: string }) =>
        withDatabase(ctx, async (handle) => {
          const risk = new RiskService(handle.db, new NetworkCache(handle.db))
          const { network, timings, resnapped, snapshots, snapshotError } = await importNetworkFile(
            handle,
            createReadStream(file),
            {
              name: opts.name,
              sourceName: basename(file),
              timezone: opts.timezone,
              risk,
            },
          )
          const { drive, foot } = network.stats.modes
          return {
            lines: [
              `imported ${network.name} version ${network.version} from ${basename(file)}`,
              `drive: ${drive.segments} segments, ${drive.km.toFixed(1)} km; foot: ${foot.segments} segments, ${foot.km.toFixed(1)} km`,
              `read ${timings.readMs.toFixed(0)} ms, segments ${timings.segmentsMs.toFixed(0)} ms, store ${timings.storeMs.toFixed(0)} ms`,
              ...(resnapped
                ? [
                    `incidents: ${resnapped.incidents} with coordinates re-snapped (drive ${resnapped.drive}, foot ${resnapped.foot}) in ${timings.resnapMs!.toFixed(0)} ms`,
                  ]
                : []),
              ...(snapshots ? [`risk snapshots: ${snapshots.length} recomputed as of now`] : []),
              ...(snapshotError ? [`risk snapshots not recomputed: ${snapshotError}`] : []),
            ],
            summary: {
              name: network.name,
              version: network.version,
              bbox: network.bbox,
              modes: network.stats.modes,
              timings,
              ...(resnapped ? { resnapped } : {}),
              ...(snapshots ? { snapshots } : {}),
              ...(snapshotError ? { snapshotError } : {}),
            },
          }
        }),
      ),
    )
}
