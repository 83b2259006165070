import { NO_BUCKETS } from '../buckets.js'
import type { ScorerParams } from '../scorer-params.js'
import {
  PROMAP_PUBLISHED,
  hotStreetsMethod,
  promapMethod,
  scorerMethod,
  type BacktestMethod,
} from './methods.js'

/** Configuration behind the named methods. */
export interface MethodConfig {
  /** Parameters of the service's scorer as configured (method `default`). */
  readonly params?: Partial<ScorerParams>
  /** ProMap bandwidths tuned on a validation window (method `promap-tuned`), e.g. from `tunePromap`. */
  readonly promapTuned?: { readonly bandwidthM: number; readonly tauDays: number }
}

/** Names `resolveMethods` understands. */
export const METHOD_NAMES: ReadonlyArray<string> = Object.freeze([
  'default',
  'default-no-buckets',
  'hot-streets',
  'promap-published',
  'promap-tuned',
])

/**
 * Turns method names (or ready methods) into methods, each once, in the given order.
 * @throws RangeError for an unknown name, or `promap-tuned` without `promapTuned`.
 */
export function resolveMethods(
  names: ReadonlyArray<string | BacktestMethod>,
  config: MethodConfig,
): BacktestMethod[] {
  const methods: BacktestMethod[] = []
  for (const entry of names) {
    const method = typeof entry === 'string' ? methodByName(entry, config) : entry
    if (!methods.some((m) => m.name === method.name)) methods.push(method)
  }
  return methods
}

function methodByName(name: string, config: MethodConfig): BacktestMethod {
  switch (name) {
    case 'default':
      return scorerMethod('default', config.params)
    case 'default-no-buckets':
      return scorerMethod('default-no-buckets', { ...config.params, buckets: NO_BUCKETS })
    case 'hot-streets':
      return hotStreetsMethod()
    case 'promap-published':
      return promapMethod('promap-published', PROMAP_PUBLISHED.bandwidthM, PROMAP_PUBLISHED.tauDays)
    case 'promap-tuned':
      if (!config.promapTuned) {
        throw new RangeError(
          'Method promap-tuned needs tuned bandwidths - run tunePromap on the validation window and pass promapTuned.',
        )
      }
      return promapMethod('promap-tuned', config.promapTuned.bandwidthM, config.promapTuned.tauDays)
    default:
      throw new RangeError(
        `Unknown back-test method "${name}" - use one of ${METHOD_NAMES.join(', ')}.`,
      )
  }
}
