import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { importNetworkFile } from '../services/network-import.js'
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
        withDatabase(ctx, async ({ db }) => {
          const { network, timings } = await importNetworkFile(db, createReadStream(file), {
            name: opts.name,
            sourceName: basename(file),
            timezone: opts.timezone,
          })
          const { drive, foot } = network.stats.modes
          return {
            lines: [
              `imported ${network.name} version ${network.version} from ${basename(file)}`,
              `drive: ${drive.segments} segments, ${drive.km.toFixed(1)} km; foot: ${foot.segments} segments, ${foot.km.toFixed(1)} km`,
              `read ${timings.readMs.toFixed(0)} ms, segments ${timings.segmentsMs.toFixed(0)} ms, store ${timings.storeMs.toFixed(0)} ms`,
            ],
            summary: {
              name: network.name,
              version: network.version,
              bbox: network.bbox,
              modes: network.stats.modes,
              timings,
            },
          }
        }),
      ),
    )
}
