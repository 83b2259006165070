import { detach } from './cells.js'
import type { AcceptedRow } from './row-reader.js'
import type { RuleId } from './rules.js'
import type { CountEntry, FileFacts, IngestSummary } from './types.js'

const SNAP_BIN_M = 0.1 // quantile resolution
const SNAP_BINS = 10_001 // 0…1000 m, the last bin holds everything beyond
const MAX_DISTINCT = 5_000 // distinct local categories counted; the rest share one entry
const OTHER_KEY = '(more distinct values than counted)'

/** Counts rows as they pass; memory stays flat (histograms and per-category maps only). */
export class SummaryCounter {
  rowsRead = 0
  private accepted = 0
  private rejected = 0
  private readonly byRule = new Map<RuleId, number>()
  private duplicates = 0
  private withoutLocation = 0
  private withoutLocationZero = 0
  private swappedFixed = 0
  private clamped = 0
  private dstGap = 0
  private dstAmbiguous = 0
  private snapped = 0
  private unsnapped = 0
  private readonly snapHistogram = new Uint32Array(SNAP_BINS)
  private minFrom = Infinity
  private maxFrom = -Infinity
  private readonly categories = new Map<string, number>()
  private readonly locals = new Map<string, number>()
  private readonly unmapped = new Map<string, number>()

  onAccepted(row: AcceptedRow): void {
    const { incident } = row
    this.accepted++
    if (incident.lon === null) {
      this.withoutLocation++
      if (row.zero) this.withoutLocationZero++
    } else if (incident.segmentId !== null) {
      this.snapped++
      const bin = Math.min(Math.round((incident.snapDistanceM ?? 0) / SNAP_BIN_M), SNAP_BINS - 1)
      this.snapHistogram[bin]++
    } else {
      this.unsnapped++
    }
    if (row.swapped) this.swappedFixed++
    if (row.clamped) this.clamped++
    if (row.dstGap) this.dstGap++
    if (row.dstAmbiguous) this.dstAmbiguous++
    if (incident.occurredFromMs < this.minFrom) this.minFrom = incident.occurredFromMs
    if (incident.occurredFromMs > this.maxFrom) this.maxFrom = incident.occurredFromMs
    bump(this.categories, incident.category)
    bump(this.locals, incident.localCategory)
    if (incident.category === 'unmapped') bump(this.unmapped, incident.localCategory)
  }

  onRejected(rule: RuleId): void {
    this.rejected++
    this.byRule.set(rule, (this.byRule.get(rule) ?? 0) + 1)
  }

  onDuplicate(): void {
    this.duplicates++
  }

  /**
   * The summary; `snapping` false (no snapper given) reports 0 unsnapped rather than all;
   * `areaChecked`: whether a network area was given.
   */
  build(facts: FileFacts, snapping: boolean, areaChecked: boolean): IngestSummary {
    return {
      status: facts.fileError ? 'failed' : 'complete',
      ...facts,
      rowsRead: this.rowsRead,
      accepted: this.accepted,
      rejected: this.rejected,
      rejectedByRule: Object.fromEntries(this.byRule),
      duplicates: this.duplicates,
      withoutLocation: this.withoutLocation,
      withoutLocationZero: this.withoutLocationZero,
      swappedFixed: this.swappedFixed,
      areaChecked,
      windowClampedToReport: this.clamped,
      snapped: this.snapped,
      unsnapped: snapping ? this.unsnapped : 0,
      snapDistanceM: this.snapped > 0 ? this.quantiles() : null,
      occurredFromMinMs: this.accepted > 0 ? this.minFrom : null,
      occurredFromMaxMs: this.accepted > 0 ? this.maxFrom : null,
      dstGapShifted: this.dstGap,
      dstAmbiguous: this.dstAmbiguous,
      categories: sorted(this.categories),
      localCategories: sorted(this.locals),
      unmapped: sorted(this.unmapped),
    }
  }

  private quantiles(): { p50: number; p90: number; p99: number } {
    const at = (q: number): number => {
      const target = Math.ceil(q * this.snapped)
      let seen = 0
      for (let bin = 0; bin < SNAP_BINS; bin++) {
        seen += this.snapHistogram[bin]
        if (seen >= target) return Math.round(bin * SNAP_BIN_M * 10) / 10
      }
      return (SNAP_BINS - 1) * SNAP_BIN_M
    }
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99) }
  }
}

function bump(map: Map<string, number>, key: string): void {
  const count = map.get(key)
  if (count !== undefined) map.set(key, count + 1)
  else if (map.size < MAX_DISTINCT) map.set(detach(key), 1)
  else map.set(OTHER_KEY, (map.get(OTHER_KEY) ?? 0) + 1)
}

function sorted(map: ReadonlyMap<string, number>): CountEntry[] {
  return [...map]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
}
