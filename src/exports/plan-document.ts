/** [lon, lat] in degrees, WGS84. */
export type Position = readonly [number, number]

/** One dwell of a unit, as the plan is stored, served and exported. */
export interface PlanStop {
  readonly seq: number
  readonly segmentId: string
  readonly street: string | null
  /** Where the unit parks or stands: the segment's midpoint. */
  readonly position: Position
  readonly arrive: string
  readonly leave: string
  /** Hour-of-week bucket the dwell starts in (`how:…`). */
  readonly bucket: string
  readonly dwellMinutes: number
  readonly expectedCrimes: number
  readonly kind: 'risk' | 'include' | 'exploration'
  readonly reason: string
  /** The way from the previous stop (or the start) to this one, then along the dwelt segment. */
  readonly path: readonly Position[]
}

export interface PlanUnit {
  readonly id: string
  readonly mode: 'drive' | 'foot'
  readonly start: Position
  readonly end: Position
  readonly stops: readonly PlanStop[]
  /** The way from the last stop back to the end point. */
  readonly returnPath: readonly Position[]
  readonly returnAt: string
  readonly km: number
  readonly travelMinutes: number
  readonly dwellMinutes: number
  readonly value: number
}

export interface PlanTotals {
  readonly value: number
  readonly teleportBound: number
  readonly ratio: number
  readonly km: number
  readonly travelMinutes: number
  readonly dwellMinutes: number
}

/** A welfare concern near the shift's patrols: a referral for the co-responder team, no PII. */
export interface OutreachReferral {
  readonly requestId: string
  readonly position: Position
  readonly requestedAt: string
  readonly summary: string
}

/** A shift plan as stored and served (GET /v1/plans/:id) and as every export reads it. */
export interface PlanDocument {
  readonly id: string
  readonly network: string
  readonly version: number
  readonly timezone: string
  readonly shiftStart: string
  readonly shiftEnd: string
  readonly riskAsOf: string
  readonly seed: number
  readonly createdAt: string
  readonly units: readonly PlanUnit[]
  readonly totals: PlanTotals
  readonly warnings: readonly {
    readonly code: string
    readonly message: string
    readonly unitId?: string
  }[]
  readonly search: {
    readonly iterations: number
    readonly stoppedBy: string
    readonly candidates: number
    readonly elapsedMs?: number
  }
  readonly outreach: readonly OutreachReferral[]
}

/** The unit's whole route as one line: each approach and dwelt segment, then the way back. */
export function unitRouteLine(unit: PlanUnit): Position[] {
  const line: Position[] = [unit.start]
  const push = (p: Position) => {
    const last = line[line.length - 1]!
    if (last[0] !== p[0] || last[1] !== p[1]) line.push(p)
  }
  for (const stop of unit.stops) stop.path.forEach(push)
  unit.returnPath.forEach(push)
  push(unit.end)
  if (line.length === 1) line.push(line[0]!)
  return line
}
