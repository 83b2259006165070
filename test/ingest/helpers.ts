import { createReadStream } from 'node:fs'
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import {
  ingestIncidents,
  type Incident,
  type IngestOptions,
  type IngestSummary,
  type Reject,
} from '../../src/ingest/index.js'

/** The instant the test uploads happen (so '2099' is future and 2026-02 is past). */
export const NOW = Date.UTC(2026, 10, 24, 12)

/** Bounding box of data/atlanta/central-atlanta-filtered.osm.pbf (PROVENANCE.md). */
export const ATLANTA_BBOX = [-84.438191, 33.7386202, -84.3419625, 33.7858307] as const

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/ingest')
export const ATLANTA_DIR = resolve(import.meta.dirname, '../../data/atlanta')

export interface Outcome {
  readonly incidents: Incident[]
  readonly rejects: Reject[]
  readonly summary: IngestSummary
  /** The error iteration ended with, if any. */
  readonly error: (Error & { code?: string; line?: number | null }) | undefined
  readonly batches: number
}

/** Runs a whole import and collects everything; never throws for file errors. */
export async function ingestAll(
  input: string | Buffer | AsyncIterable<Uint8Array>,
  options: Partial<IngestOptions> = {},
): Promise<Outcome> {
  const source =
    typeof input === 'string'
      ? createReadStream(input)
      : Buffer.isBuffer(input)
        ? Readable.from([input])
        : input
  const run = ingestIncidents(source, { profile: 'auto', now: NOW, ...options })
  const incidents: Incident[] = []
  const rejects: Reject[] = []
  let error: Outcome['error']
  let batches = 0
  try {
    for await (const batch of run) {
      batches++
      incidents.push(...batch.incidents)
      rejects.push(...batch.rejects)
    }
  } catch (err) {
    error = err as Outcome['error']
  }
  return { incidents, rejects, summary: run.summary(), error, batches }
}

/** Text → one UTF-8 buffer. */
export function csv(text: string): Buffer {
  return Buffer.from(text, 'utf8')
}
