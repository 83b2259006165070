import { writeFile } from 'node:fs/promises'
import { extname } from 'node:path'
import type { Command } from 'commander'
import {
  planToCsv,
  planToGeoJson,
  planToGpx,
  planToKml,
  type PlanDocument,
} from '../exports/index.js'
import { NetworkCache } from '../services/network-cache.js'
import { createPlan, type PlanInput, type UnitPoint } from '../services/plans.js'
import { RiskService } from '../services/risk.js'
import { action, withDatabase } from './command.js'

const WRITERS: Readonly<Record<string, (plan: PlanDocument) => string>> = {
  '.json': (p) => JSON.stringify(p, null, 2),
  '.geojson': (p) => JSON.stringify(planToGeoJson(p)),
  '.gpx': planToGpx,
  '.kml': planToKml,
  '.csv': planToCsv,
}

/** `id:mode:lon,lat` or `id:mode:@station`. */
function parseUnit(text: string): PlanInput['units'][number] {
  const m =
    /^([\w.-]{1,40}):(drive|foot):(?:@([a-z0-9-]+)|(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?))$/.exec(text)
  if (!m)
    throw new Error(`--unit "${text}" must be id:drive|foot:lon,lat or id:drive|foot:@station`)
  const start: UnitPoint = m[3] ? { station: m[3] } : { lon: Number(m[4]), lat: Number(m[5]) }
  return { id: m[1]!, mode: m[2] as 'drive' | 'foot', start }
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

/** `patrol plan …`: the same plan as POST /v1/plans, written to a file. */
export function addPlanCommands(program: Command): void {
  program
    .command('plan')
    .description(
      'plan a shift and write it to a file (.json, .geojson, .gpx, .kml or .csv); the plan is stored too',
    )
    .requiredOption('--network <name>', 'network name')
    .requiredOption(
      '--shift-start <instant>',
      'ISO 8601 with offset, e.g. 2022-03-04T15:00:00-05:00',
    )
    .requiredOption('--hours <n>', 'shift length in hours', Number)
    .requiredOption(
      '--unit <unit>',
      'id:drive|foot:lon,lat or id:drive|foot:@station (repeat for more units)',
      collect,
    )
    .requiredOption('--seed <n>', 'integer seed: the same seed gives the same plan', Number)
    .option('--dwell <minutes>', 'minutes per stop', Number, 12)
    .option(
      '--min-revisit <minutes>',
      'least minutes between two dwells on one segment',
      Number,
      30,
    )
    .option('--exploration <share>', 'share of stops on sampled lower-risk segments', Number, 0.1)
    .option('--max-dwells <n>', 'dosage cap: most dwells on one segment per shift', Number)
    .option(
      '--as-of <instant>',
      'instant of the risk snapshot (default: the latest before the shift)',
    )
    .option('--suppress <segment>', 'a segment id never to dwell on (repeatable)', collect)
    .option('--include <segment>', 'a segment id to visit (repeatable)', collect)
    .requiredOption('--out <file>', 'output file; the extension picks the format')
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(
        async (
          ctx,
          opts: {
            network: string
            shiftStart: string
            hours: number
            unit: string[]
            seed: number
            dwell: number
            minRevisit: number
            exploration: number
            maxDwells?: number
            asOf?: string
            suppress?: string[]
            include?: string[]
            out: string
          },
        ) => {
          const write = WRITERS[extname(opts.out).toLowerCase()]
          if (!write) throw new Error(`--out must end in ${Object.keys(WRITERS).join(', ')}`)
          if (!Number.isInteger(opts.seed))
            throw new Error(`--seed must be an integer, got ${opts.seed}`)
          const shiftStart = new Date(opts.shiftStart)
          if (
            Number.isNaN(shiftStart.getTime()) ||
            !/(Z|[+-]\d{2}:\d{2})$/i.test(opts.shiftStart)
          ) {
            throw new Error('--shift-start must be an ISO instant with an offset')
          }
          return withDatabase(ctx, async ({ db }) => {
            const networks = new NetworkCache(db)
            const plan = await createPlan(
              { db, networks, risk: new RiskService(db, networks) },
              {
                network: opts.network,
                shiftStart,
                shiftHours: opts.hours,
                units: opts.unit.map(parseUnit),
                seed: opts.seed,
                dwellMinutes: opts.dwell,
                minRevisitMinutes: opts.minRevisit,
                explorationShare: opts.exploration,
                maxDwellsPerSegment: opts.maxDwells,
                asOf: opts.asOf ? new Date(opts.asOf) : undefined,
                suppress: opts.suppress ? { segments: opts.suppress } : undefined,
                include: opts.include ? { segments: opts.include } : undefined,
              },
            )
            await writeFile(opts.out, write(plan))
            const t = plan.totals
            return {
              lines: [
                `plan ${plan.id}: ${plan.units.length} units, ${plan.units.reduce((n, u) => n + u.stops.length, 0)} stops, ${t.km.toFixed(1)} km`,
                `value ${t.value.toFixed(3)} expected crimes covered = ${(100 * t.ratio).toFixed(1)} % of the teleport bound ${t.teleportBound.toFixed(3)}`,
                ...plan.warnings.map((w) => `warning ${w.code}: ${w.message}`),
                `wrote ${opts.out}`,
              ],
              summary: { id: plan.id, file: opts.out, totals: t, warnings: plan.warnings },
            }
          })
        },
      ),
    )
}
