import { Option, type Command } from 'commander'
import { findNetwork, type Mode, type NetworkVersion } from '../db/networks.js'
import { findRiskConfig, saveRiskConfig } from '../db/risk.js'
import type { DbHandle } from '../db/connect.js'
import {
  METHOD_NAMES,
  runBacktest,
  tunePromap,
  tuneScorer,
  writeBacktestReport,
  type BacktestResult,
} from '../risk/index.js'
import { NetworkCache } from '../services/network-cache.js'
import { RiskService, type RiskContext } from '../services/risk.js'
import { action, withDatabase, type CommandContext } from './command.js'

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Thrown for a command misuse the CLI reports in one line. */
class UsageError extends Error {
  readonly code = 'usage'
}

async function riskContext(
  handle: DbHandle,
  name: string,
  mode: Mode,
): Promise<{ network: NetworkVersion; risk: RiskService; context: RiskContext }> {
  const network = await findNetwork(handle.db, name)
  if (!network) throw new UsageError(`no network named "${name}"`)
  const risk = new RiskService(handle.db, new NetworkCache(handle.db))
  return { network, risk, context: await risk.context(network, mode) }
}

function checkWindow(from: string, to: string): void {
  if (!DATE.test(from) || !DATE.test(to))
    throw new UsageError('--from and --to are local dates, YYYY-MM-DD')
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`)
}

function hitRateLine(name: string, result: BacktestResult): string {
  const m = result.methods[name]!
  const cells = result.coverages.map((c) => `${c} % ${m.hitRate[String(c)]!.toFixed(1)}`).join(', ')
  const w = m.wilcoxon?.[String(result.coverages[1] ?? 5)]
  return `${name.padEnd(18)} HR ${cells}${w ? `  (vs ${result.baseline} at 5 %: Δ ${w.meanDifference.toFixed(2)}, p ${w.p.toPrecision(2)})` : ''}`
}

/** `patrol risk snapshot`, `patrol backtest`, `patrol tune`. */
export function addRiskCommands(program: Command): void {
  program
    .command('risk')
    .description('risk snapshots')
    .command('snapshot')
    .description(
      'compute and store risk snapshots (both modes, shift and hour-of-week) as of an instant',
    )
    .requiredOption('--network <name>', 'network name')
    .option('--as-of <instant>', 'ISO instant with offset (default now)')
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(async (ctx, opts: { network: string; asOf?: string }) =>
        withDatabase(ctx, async (handle) => {
          const asOf = opts.asOf ? new Date(opts.asOf) : new Date()
          if (Number.isNaN(asOf.getTime()))
            throw new UsageError(`--as-of must be an ISO instant, got "${opts.asOf}"`)
          const { network, risk } = await riskContext(handle, opts.network, 'drive')
          const snapshots = await risk.refreshSnapshots(network, asOf, 'cli')
          return {
            lines: snapshots.map(
              (s) =>
                `snapshot ${s.id}: ${s.mode}/${s.scheme} as of ${s.asOf.toISOString()}, ${s.incidentCount} incidents`,
            ),
            summary: {
              network: network.name,
              version: network.version,
              snapshots: snapshots.map((s) => ({ id: s.id, mode: s.mode, scheme: s.scheme })),
            },
          }
        }),
      ),
    )

  program
    .command('backtest')
    .description(
      'rolling-origin back-test: each period forecast from what was reported before it; writes report.md, metrics.json, hit-rate.svg',
    )
    .requiredOption('--network <name>', 'network name')
    .requiredOption('--from <date>', 'first local date scored (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'last local date scored (YYYY-MM-DD)')
    .addOption(
      new Option('--horizon <horizon>', 'forecast period')
        .choices(['day', 'week', 'shift'])
        .default('day'),
    )
    .option('--methods <list>', `comma-separated: ${METHOD_NAMES.join(', ')}`)
    .option(
      '--categories <list>',
      'canonical categories to forecast, e.g. 220 for burglary (default all victim-reported)',
    )
    .addOption(
      new Option('--mode <mode>', 'network mode').choices(['drive', 'foot']).default('drive'),
    )
    .requiredOption('--out <dir>', 'folder for the report')
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(
        async (
          ctx: CommandContext,
          opts: {
            network: string
            from: string
            to: string
            horizon: 'day' | 'week' | 'shift'
            methods?: string
            categories?: string
            mode: Mode
            out: string
          },
        ) =>
          withDatabase(ctx, async (handle) => {
            checkWindow(opts.from, opts.to)
            const { context } = await riskContext(handle, opts.network, opts.mode)
            const config = await findRiskConfig(handle.db, opts.network)
            const promapTuned = (
              config?.evidence as { promapTuned?: { bandwidthM: number; tauDays: number } } | null
            )?.promapTuned
            const methods = opts.methods?.split(',').map((m) => m.trim())
            if (methods?.includes('promap-tuned') && !promapTuned) {
              throw new UsageError(
                'method promap-tuned needs tuned bandwidths: run `patrol tune` on a validation window first',
              )
            }
            const result = runBacktest(context.data, {
              from: opts.from,
              to: opts.to,
              timeZone: context.timezone,
              horizon: opts.horizon,
              methods,
              params: context.params,
              promapTuned,
              categories: opts.categories?.split(','),
            })
            const files = await writeBacktestReport(result, opts.out)
            return {
              lines: [
                `${result.periods} periods, ${result.crimes} crimes on ${result.segments} segments (${result.networkKm.toFixed(0)} km), scorer: ${context.paramsSource}`,
                ...Object.keys(result.methods).map((name) => hitRateLine(name, result)),
                `wrote ${files.join(', ')}`,
              ],
              summary: {
                files,
                periods: result.periods,
                crimes: result.crimes,
                methods: result.methods,
              },
            }
          }),
      ),
    )

  program
    .command('tune')
    .description(
      "pick the scorer's parameters on a validation window by rolling-origin back-test; refuses anything below hot streets",
    )
    .requiredOption('--network <name>', 'network name')
    .requiredOption('--from <date>', 'first local date of the validation window')
    .requiredOption('--to <date>', 'last local date of the validation window')
    .addOption(
      new Option('--horizon <horizon>', 'forecast period')
        .choices(['day', 'week', 'shift'])
        .default('day'),
    )
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(
        async (
          ctx: CommandContext,
          opts: { network: string; from: string; to: string; horizon: 'day' | 'week' | 'shift' },
        ) =>
          withDatabase(ctx, async (handle) => {
            checkWindow(opts.from, opts.to)
            const { context } = await riskContext(handle, opts.network, 'drive')
            const window = {
              from: opts.from,
              to: opts.to,
              timeZone: context.timezone,
              horizon: opts.horizon,
            }
            const tuned = tuneScorer(context.data, { ...window, base: context.params })
            const promap = tunePromap(context.data, window)
            const hot = Object.entries(tuned.hotStreets)
              .map(([c, v]) => `${c} % ${v.toFixed(1)}`)
              .join(', ')
            if (tuned.status === 'refused' || !tuned.params) {
              process.exitCode = 2
              return {
                lines: [
                  `refused: no configuration reached hot streets (${hot}) at every coverage; the configuration is unchanged`,
                ],
                summary: {
                  status: 'refused',
                  hotStreets: tuned.hotStreets,
                  trials: tuned.trials.length,
                },
              }
            }
            await saveRiskConfig(handle.db, {
              networkName: opts.network,
              params: tuned.params,
              source: `tuned ${opts.from}…${opts.to} (${opts.horizon})`,
              evidence: {
                window,
                best: tuned.best,
                hotStreets: tuned.hotStreets,
                trials: tuned.trials.length,
                promapTuned: { bandwidthM: promap.bandwidthM, tauDays: promap.tauDays },
              },
              at: new Date(),
            })
            const best = Object.entries(tuned.best!.hitRate)
              .map(([c, v]) => `${c} % ${v.toFixed(1)}`)
              .join(', ')
            return {
              lines: [
                `tuned on ${opts.from} … ${opts.to}: ${tuned.trials.length} configurations tried`,
                `chosen: ${JSON.stringify(tuned.best!.changes)} → mean HR ${best}`,
                `hot streets on the same window: ${hot}`,
                `ProMap bandwidths for promap-tuned: ${promap.bandwidthM} m, ${promap.tauDays} days`,
              ],
              summary: {
                status: 'tuned',
                params: tuned.params,
                best: tuned.best,
                hotStreets: tuned.hotStreets,
                promapTuned: promap,
              },
            }
          }),
      ),
    )
}
