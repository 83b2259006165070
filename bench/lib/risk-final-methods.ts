import { readFile } from 'node:fs/promises'
import {
  NO_BUCKETS,
  scorerMethod,
  type BacktestMethod,
  type ScorerParams,
} from '../../src/risk/index.js'

/** Crime groups with few events, forecast on their own with cross-type borrowing. */
export const SPARSE_GROUPS: Readonly<Record<string, string[]>> = {
  burglary: ['220'],
  'auto theft': ['240'],
  violent: ['09A', '120', '13A'],
}

/** What atlanta-validate.ts chose and atlanta-test.ts reads. */
export interface TunedParams {
  readonly validation: { readonly from: string; readonly to: string; readonly timeZone: string }
  readonly promapTuned: { readonly bandwidthM: number; readonly tauDays: number }
  /** `default` (strict floor) and `default-recency` (floor less 0.5 points). */
  readonly params: Readonly<Record<string, Partial<ScorerParams>>>
}

export const TUNED_PARAMS_PATH = new URL('../backtest/tuned-params.json', import.meta.url).pathname

export async function loadTuned(path = TUNED_PARAMS_PATH): Promise<TunedParams> {
  return JSON.parse(await readFile(path, 'utf8')) as TunedParams
}

/** A final method by name: a tuned scorer, the default's no-bucket twin, or a reference name. */
export function finalMethod(name: string, tuned: TunedParams): string | BacktestMethod {
  if (name === 'default-no-buckets') {
    return scorerMethod(name, { ...tuned.params.default, buckets: NO_BUCKETS })
  }
  const params = tuned.params[name]
  return params ? scorerMethod(name, params) : name
}
