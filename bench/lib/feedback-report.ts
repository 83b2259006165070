import type { WeekMetrics } from './feedback-metrics.js'
import type { Arm, ArmRun } from './feedback-simulate.js'
import { table } from './table.js'

/** Weeks shown in the trajectory table (1-based). */
export const TRAJECTORY_WEEKS = [1, 4, 13, 26, 39, 52]

type Metric = keyof WeekMetrics

/** Mean and population standard deviation. */
export function meanSd(values: ReadonlyArray<number>): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
  return { mean, sd }
}

/** The runs of one arm, one per seed. */
export function runsOf(runs: ReadonlyArray<ArmRun>, arm: Arm): ArmRun[] {
  return runs.filter((r) => r.arm.name === arm.name)
}

/** Mean over seeds of a metric in week `week` (1-based). */
export function meanAt(runs: ReadonlyArray<ArmRun>, metric: Metric, week: number): number {
  return meanSd(runs.map((r) => r.weeks[week - 1][metric])).mean
}

const pm = (runs: ReadonlyArray<ArmRun>, metric: Metric, week: number, digits = 2) => {
  const { mean, sd } = meanSd(runs.map((r) => r.weeks[week - 1][metric]))
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`
}

const arrow = (runs: ReadonlyArray<ArmRun>, metric: Metric, last: number) =>
  `${meanAt(runs, metric, 1).toFixed(2)} → ${meanAt(runs, metric, last).toFixed(2)}`

/** How an arm is configured, in the tables' words. */
export function describeArm(arm: Arm): string[] {
  const scorer =
    arm.scorer === 'truth'
      ? 'true rates'
      : arm.scorer === 'victim-only'
        ? 'victim-reported'
        : 'counts discovered'
  const tau = arm.tauDays === undefined ? '' : `, τ ${arm.tauDays >= 1e5 ? '∞' : arm.tauDays} d`
  return [
    `${scorer}${tau}`,
    String(arm.explorationShare),
    String(arm.maxDwellsPerShift),
    arm.scorer === 'with-enforcement' ? String(arm.discoveryRatio) : '–',
  ]
}

/** The week-`last` table: one row per arm, mean ± sd over seeds. */
export function finalTable(
  runs: ReadonlyArray<ArmRun>,
  arms: ReadonlyArray<Arm>,
  last: number,
  hoods: ReadonlyArray<string>,
): string {
  const head = [
    'arm',
    'scorer',
    'explore',
    'cap/shift',
    'found:victim',
    'top 1 % patrol/true',
    'top 5 % patrol/true',
    'patrol Gini',
    'places patrolled',
    'max hood ratio (most often)',
    'hoods > 2×',
    'patrol share on true-0 segments',
    `favoured patrol share w1 → w${last}`,
    `favoured forecast/true w1 → w${last}`,
    'top 1 % forecast/true',
  ]
  const rows = arms.map((arm) => {
    const r = runsOf(runs, arm)
    return [
      arm.name,
      ...describeArm(arm),
      pm(r, 'top1Ratio', last),
      pm(r, 'top5Ratio', last),
      pm(r, 'gini', last, 3),
      pm(r, 'placesPatrolled', last, 0),
      `${pm(r, 'hoodMaxRatio', last)} (${mostOften(r.map((x) => hoods[x.weeks[last - 1].hoodMaxIndex]))})`,
      pm(r, 'hoodsOver2', last, 1),
      pm(r, 'zeroTruePatrol', last, 3),
      arrow(r, 'favouredPatrol', last),
      arrow(r, 'favouredForecastRatio', last),
      pm(r, 'top1ForecastRatio', last),
    ]
  })
  return table(head, rows)
}

function mostOften(values: ReadonlyArray<string>): string {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0]
}

/** Mean over seeds of two metrics at the trajectory weeks, as `a / b` cells. */
export function trajectoryTable(
  runs: ReadonlyArray<ArmRun>,
  arms: ReadonlyArray<Arm>,
  first: Metric,
  second: Metric,
  digits: readonly [number, number] = [2, 2],
): string {
  const head = ['arm', ...TRAJECTORY_WEEKS.map((w) => `week ${w}`)]
  const rows = arms.map((arm) => {
    const r = runsOf(runs, arm)
    return [
      arm.name,
      ...TRAJECTORY_WEEKS.map(
        (w) =>
          `${meanAt(r, first, w).toFixed(digits[0])} / ${meanAt(r, second, w).toFixed(digits[1])}`,
      ),
    ]
  })
  return table(head, rows)
}

/** The closing line per arm that scripts grep for. */
export function summaryLine(runs: ReadonlyArray<ArmRun>, arm: Arm, last: number): string {
  const r = runsOf(runs, arm)
  return `feedback ${arm.name}: top1% patrol/true ${meanAt(r, 'top1Ratio', last).toFixed(2)}, max hood ratio ${meanAt(r, 'hoodMaxRatio', last).toFixed(2)}`
}
