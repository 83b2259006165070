import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { listProfiles } from '../ingest/index.js'
import { uploadIncidents, type UploadOutcome } from '../services/incident-upload.js'
import { NetworkCache } from '../services/network-cache.js'
import { RiskService } from '../services/risk.js'
import type { UploadSummary } from '../services/upload-summary.js'
import { action, withDatabase } from './command.js'

function describe(summary: UploadSummary): string[] {
  const rules = Object.entries(summary.rejectedByRule)
    .sort((a, b) => b[1] - a[1])
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ')
  const snap = summary.snapDistanceM
  return [
    `rows read ${summary.rowsRead}: accepted ${summary.accepted}, rejected ${summary.rejected}, duplicates ${summary.duplicates} (${summary.duplicatesWithinFile} within a file, ${summary.duplicatesAcrossUploads} replacing stored records)`,
    `rejected by rule: ${rules || 'none'}`,
    `without location ${summary.withoutLocation}; snapped ${summary.snapped}, unsnapped ${summary.unsnapped}` +
      (snap ? `; snap distance p50 ${snap.p50} m, p90 ${snap.p90} m, p99 ${snap.p99} m` : ''),
    `time range ${summary.timeRange ? `${summary.timeRange.from} … ${summary.timeRange.to}` : 'none'}; DST gaps shifted ${summary.dstGapShifted}, ambiguous ${summary.dstAmbiguous}`,
    `categories: ${summary.categories.map((c) => `${c.key} ${c.count}`).join(', ')}`,
    `unmapped: ${summary.unmapped.map((c) => `${c.key} ${c.count}`).join(', ') || 'none'}`,
  ]
}

/** What became of the risk snapshots, which a completed upload recomputes. */
function describeSnapshots(outcome: UploadOutcome): string {
  if (outcome.snapshotError)
    return `risk snapshots NOT recomputed: ${outcome.snapshotError} (the upload stands; run \`patrol risk snapshot\`)`
  if (!outcome.snapshots) return 'risk snapshots unchanged (nothing new stored)'
  return `risk snapshots recomputed: ${outcome.snapshots.map((s) => `${s.id} ${s.mode}/${s.scheme}`).join(', ')}`
}

/** `patrol incidents import <file…> --network <name>`. */
export function addIncidentCommands(program: Command): void {
  const incidents = program.command('incidents').description('incident CSV exports')
  incidents
    .command('import')
    .description(
      'import incident CSVs (.csv or .csv.gz) into a network, all files in one transaction',
    )
    .argument('<files...>', 'CSV exports')
    .requiredOption('--network <name>', 'the network (city) the incidents belong to')
    .option(
      '--profile <name>',
      `source format: auto or one of ${listProfiles()
        .map((p) => p.name)
        .join(', ')}`,
      'auto',
    )
    .option(
      '--timezone <IANA>',
      "the file's local time zone, e.g. America/New_York (overrides the profile's)",
    )
    .option('--mapping <json>', 'generic profile: the column mapping as JSON')
    .option('--dry-run', 'read and check everything, store only the summary and rejects')
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(
        async (
          ctx,
          files: string[],
          opts: {
            network: string
            profile: string
            timezone?: string
            mapping?: string
            dryRun?: boolean
          },
        ) =>
          withDatabase(ctx, async (handle) => {
            const networks = new NetworkCache(handle.db)
            const outcome = await uploadIncidents(
              handle,
              networks,
              {
                networkName: opts.network,
                files: files.map((file) => ({
                  name: basename(file),
                  open: () => createReadStream(file),
                })),
                profile: opts.profile,
                timezone: opts.timezone,
                mapping: opts.mapping ? JSON.parse(opts.mapping) : undefined,
                dryRun: opts.dryRun === true,
                now: new Date(),
              },
              new RiskService(handle.db, networks),
            )
            const { upload, snapshots, snapshotError } = outcome
            if (snapshotError)
              ctx.log.error({ error: snapshotError }, 'risk snapshots not recomputed after upload')
            const summary = upload.summary as UploadSummary
            const head =
              upload.status === 'repeat'
                ? `upload ${upload.id}: the same file(s) as upload ${upload.repeatOf}; nothing new stored`
                : `upload ${upload.id}: ${upload.status}${upload.dryRun ? ' (dry run: nothing stored)' : ''}`
            return {
              lines: [head, ...describe(summary), describeSnapshots(outcome)],
              summary: {
                id: upload.id,
                status: upload.status,
                repeatOf: upload.repeatOf,
                ...summary,
                snapshots: snapshots ?? [],
                ...(snapshotError ? { snapshotError } : {}),
              },
            }
          }),
      ),
    )
}
