import { createReadStream, readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { NetworkCache } from '../services/network-cache.js'
import { importReports, type ReportMapping } from '../services/report-import.js'
import { action, withDatabase } from './command.js'

/** `patrol reports import <csv> --network <name> --mapping <file.json>`. */
export function addReportCommands(program: Command): void {
  program
    .command('reports')
    .description('resident reports')
    .command('import')
    .description(
      "import a city's 311 export as resident reports (re-running it skips rows already imported)",
    )
    .argument('<file>', 'CSV export (UTF-8; # comment lines allowed)')
    .requiredOption('--network <name>', 'the network (jurisdiction) the reports belong to')
    .requiredOption(
      '--mapping <file>',
      'JSON: columns id, type, requested, lat, lon, description?, status?, and typeMap {export type: service code}',
    )
    .option('--timezone <IANA>', 'zone of times written without an offset (default: the network’s)')
    .option('--dry-run', 'check every row, store nothing')
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(
        async (
          ctx,
          file: string,
          opts: { network: string; mapping: string; timezone?: string; dryRun?: boolean },
        ) => {
          const mapping = JSON.parse(readFileSync(opts.mapping, 'utf8')) as ReportMapping
          return withDatabase(ctx, async ({ db }) => {
            const summary = await importReports(db, createReadStream(file), {
              networkName: opts.network,
              mapping,
              timeZone: opts.timezone,
              dryRun: opts.dryRun === true,
              networks: new NetworkCache(db),
            })
            return {
              lines: [
                `rows ${summary.rowsRead}: imported ${summary.imported} (${summary.duplicates} counted into an earlier report), already imported ${summary.alreadyImported}, rejected ${summary.rejected}${opts.dryRun ? ' — dry run, nothing stored' : ''}`,
                ...summary.rejects
                  .slice(0, 20)
                  .map((r) => `line ${r.line} ${r.column ?? ''}: ${r.rule} — ${r.message}`),
              ],
              summary: { ...summary, rejects: summary.rejects.slice(0, 100) },
            }
          })
        },
      ),
    )
}
