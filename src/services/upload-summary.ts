import type { CountEntry, IngestSummary, Quantiles } from '../ingest/index.js'

/** What an analyst reads after an upload (also the HTTP answer and the CLI's --json line). */
export interface UploadSummary {
  readonly dryRun: boolean
  readonly profile: string | null
  readonly timezone: string | null
  /** Data rows read, headers excluded: always accepted + rejected + duplicates. */
  readonly rowsRead: number
  /**
   * Rows that passed the rules and are new incidents (equal to `inserted`). On a dry run nothing
   * is merged, so it counts every row that passed and only within-file repeats the ingest itself
   * saw are duplicates.
   */
  readonly accepted: number
  /** Rows that broke a rule (see the rejects report). */
  readonly rejected: number
  readonly rejectedByRule: Readonly<Record<string, number>>
  /** Rows that passed the rules but repeat a record: duplicatesWithinFile + duplicatesAcrossUploads. */
  readonly duplicates: number
  /** Repeats within one file: the same (source id, offence) again, or another offence of a record
   * under the same canonical offence (one incident, the later line kept). */
  readonly duplicatesWithinFile: number
  /** Rows whose record was already stored (an earlier upload or file): they replaced it. */
  readonly duplicatesAcrossUploads: number
  /** New incidents stored (0 for a dry run). */
  readonly inserted: number
  /**
   * These location counters cover every row that passed the rules and was not a (source id,
   * offence) repeat within its file, i.e. before the merge: accepted + duplicatesAcrossUploads +
   * the other-offence repeats in duplicatesWithinFile = snapped + unsnapped + withoutLocation.
   */
  readonly withoutLocation: number
  readonly withoutLocationZero: number
  readonly swappedFixed: number
  readonly snapped: number
  readonly unsnapped: number
  readonly snapDistanceM: Quantiles | null
  readonly timeRange: { readonly from: string; readonly to: string } | null
  readonly dstGapShifted: number
  readonly dstAmbiguous: number
  readonly categories: readonly CountEntry[]
  readonly localCategories: readonly CountEntry[]
  readonly unmapped: readonly CountEntry[]
  /** Per file, as the ingest read it (before the merge): rowsRead = accepted + rejected + the
   * file's (source id, offence) repeats. */
  readonly files: readonly {
    readonly name: string
    readonly profile: string | null
    readonly encoding: string | null
    readonly delimiter: string | null
    readonly compressed: boolean
    readonly bom: boolean
    readonly rowsRead: number
    readonly accepted: number
    readonly rejected: number
    readonly sha256: string
    /** The options the file was read with (profile, zone, mapping, category map), hashed. */
    readonly optionsSha256: string
  }[]
  readonly repeatOf?: string
}

const sum = (summaries: readonly IngestSummary[], pick: (s: IngestSummary) => number) =>
  summaries.reduce((total, s) => total + pick(s), 0)

function mergeCounts(lists: readonly (readonly CountEntry[])[]): CountEntry[] {
  const counts = new Map<string, number>()
  for (const list of lists)
    for (const { key, count } of list) counts.set(key, (counts.get(key) ?? 0) + count)
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
}

/** Nearest-rank quantile of sorted values, rounded to 0.1 m. */
function quantile(sorted: Float64Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return Math.round(sorted[i]! * 10) / 10
}

/** Adds the per-file ingest summaries of one upload into its summary. */
export function combineSummaries(
  summaries: readonly IngestSummary[],
  files: readonly { readonly name: string; readonly optionsSha256: string }[],
  merged: { readonly inserted: number; readonly updated: number; readonly collapsed: number },
  snapDistances: readonly number[],
  dryRun: boolean,
): UploadSummary {
  const rejectedByRule: Record<string, number> = {}
  for (const s of summaries) {
    for (const [rule, n] of Object.entries(s.rejectedByRule))
      rejectedByRule[rule] = (rejectedByRule[rule] ?? 0) + (n ?? 0)
  }
  const sorted = Float64Array.from(snapDistances).sort()
  const froms = summaries.map((s) => s.occurredFromMinMs).filter((v): v is number => v !== null)
  const tos = summaries.map((s) => s.occurredFromMaxMs).filter((v): v is number => v !== null)
  const within = sum(summaries, (s) => s.duplicates) + merged.collapsed
  return {
    dryRun,
    profile: [...new Set(summaries.map((s) => s.profile))].join(',') || null,
    timezone: [...new Set(summaries.map((s) => s.timezone))].join(',') || null,
    rowsRead: sum(summaries, (s) => s.rowsRead),
    // rows merged into a record already stored, or into another row of the file, are duplicates,
    // not accepted: rowsRead = accepted + rejected + duplicates
    accepted: sum(summaries, (s) => s.accepted) - merged.collapsed - merged.updated,
    rejected: sum(summaries, (s) => s.rejected),
    rejectedByRule,
    duplicates: within + merged.updated,
    duplicatesWithinFile: within,
    duplicatesAcrossUploads: merged.updated,
    inserted: merged.inserted,
    withoutLocation: sum(summaries, (s) => s.withoutLocation),
    withoutLocationZero: sum(summaries, (s) => s.withoutLocationZero),
    swappedFixed: sum(summaries, (s) => s.swappedFixed),
    snapped: sum(summaries, (s) => s.snapped),
    unsnapped: sum(summaries, (s) => s.unsnapped),
    snapDistanceM: sorted.length
      ? { p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99) }
      : null,
    timeRange: froms.length
      ? {
          from: new Date(Math.min(...froms)).toISOString(),
          to: new Date(Math.max(...tos)).toISOString(),
        }
      : null,
    dstGapShifted: sum(summaries, (s) => s.dstGapShifted),
    dstAmbiguous: sum(summaries, (s) => s.dstAmbiguous),
    categories: mergeCounts(summaries.map((s) => s.categories)),
    localCategories: mergeCounts(summaries.map((s) => s.localCategories)),
    unmapped: mergeCounts(summaries.map((s) => s.unmapped)),
    files: summaries.map((s, i) => ({
      name: files[i]!.name,
      optionsSha256: files[i]!.optionsSha256,
      profile: s.profile,
      encoding: s.encoding,
      delimiter: s.delimiter,
      compressed: s.compressed,
      bom: s.bom,
      rowsRead: s.rowsRead,
      accepted: s.accepted,
      rejected: s.rejected,
      sha256: s.contentSha256,
    })),
  }
}
