import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// lets the bench collect garbage between finders without `node --expose-gc`
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

/** Runs a full garbage collection. */
export function gc(): void {
  collect()
}
