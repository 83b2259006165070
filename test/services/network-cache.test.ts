import { createReadStream } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../src/db/connect.js'
import type { NetworkVersion } from '../../src/db/networks.js'
import { KEPT_VERSIONS, NetworkCache } from '../../src/services/network-cache.js'
import { importNetworkFile } from '../../src/services/network-import.js'
import { openTestDatabase } from '../helpers/db.js'

const DOWNTOWN = 'test/fixtures/network/atlanta-downtown.osm.pbf'

describe('NetworkCache', () => {
  let handle: DbHandle
  const versions: NetworkVersion[] = []

  beforeAll(async () => {
    handle = await openTestDatabase('pglite')
    for (let i = 0; i <= KEPT_VERSIONS; i++) {
      const { network } = await importNetworkFile(handle, createReadStream(DOWNTOWN), {
        name: `downtown-${i}`,
        sourceName: 'downtown',
        timezone: 'America/New_York',
      })
      versions.push(network)
    }
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('evicts the least recently used version, not the first loaded', async () => {
    const cache = new NetworkCache(handle.db)
    const first = versions[0]!
    const loaded = await cache.mode(first, 'drive')
    for (const v of versions.slice(1, KEPT_VERSIONS)) await cache.mode(v, 'drive')
    // the first is used again, so the second is now the least recent
    expect(await cache.mode(first, 'drive')).toBe(loaded)
    await cache.mode(versions[KEPT_VERSIONS]!, 'drive')
    expect(cache.holds(first.id)).toBe(true)
    expect(cache.holds(versions[1]!.id)).toBe(false)
    expect(await cache.mode(first, 'drive')).toBe(loaded)
    expect(await cache.mode(versions[1]!, 'drive')).not.toBe(undefined)
  })
})
