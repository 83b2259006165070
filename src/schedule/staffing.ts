/** Limits on how many units one shift gets. */
export interface StaffingLimits {
  readonly unitsPerDay: number
  readonly minPerShift: number
  readonly maxPerShift: number
}

/** Raised when the limits cannot all hold (min > max, or more minimum units than units). */
export class StaffingError extends RangeError {
  constructor(
    readonly code: 'min-above-max' | 'minimum-exceeds-units' | 'maximum-below-units',
    message: string,
  ) {
    super(message)
  }
}

/**
 * Splits a day's units across its shifts in proportion to each shift's expected crime, within the
 * per-shift minimum and maximum: every shift starts at the minimum, then each remaining unit goes
 * to the open shift furthest below its proportional share (ties to the earlier shift). With no
 * expected crime at all the units spread evenly.
 * @throws StaffingError when the limits cannot be met.
 */
export function allocateUnits(expected: readonly number[], limits: StaffingLimits): number[] {
  const { unitsPerDay: total, minPerShift: min, maxPerShift: max } = limits
  const k = expected.length
  if (min > max)
    throw new StaffingError('min-above-max', `min per shift ${min} is above max per shift ${max}`)
  if (min * k > total) {
    throw new StaffingError(
      'minimum-exceeds-units',
      `${k} shifts × min ${min} = ${min * k} units, but the day has ${total}`,
    )
  }
  if (max * k < total) {
    throw new StaffingError(
      'maximum-below-units',
      `${k} shifts × max ${max} = ${max * k} units, fewer than the day's ${total}`,
    )
  }
  const sum = expected.reduce((a, b) => a + b, 0)
  const ideal = expected.map((e) => (sum > 0 ? (total * e) / sum : total / k))
  const counts = new Array<number>(k).fill(min)
  for (let left = total - min * k; left > 0; left--) {
    let best = -1
    for (let i = 0; i < k; i++) {
      if (counts[i]! >= max) continue
      if (best < 0 || ideal[i]! - counts[i]! > ideal[best]! - counts[best]!) best = i
    }
    counts[best]!++
  }
  return counts
}

/** The one-line reason a supervisor reads: "shift 3 gets 5 of 12 units: 41 % of expected crime". */
export function explainAllocation(
  label: string,
  units: number,
  total: number,
  share: number,
  limits: StaffingLimits,
): string {
  const bound =
    units === limits.minPerShift && share * total < units
      ? ' (the minimum)'
      : units === limits.maxPerShift && share * total > units
        ? ' (the maximum)'
        : ''
  return `${label} gets ${units} of ${total} units${bound}: ${Math.round(share * 100)} % of expected crime`
}
