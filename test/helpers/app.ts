import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from '../../src/config.js'
import type { DbHandle } from '../../src/db/connect.js'
import { buildApp } from '../../src/http/app.js'
import { createLogger } from '../../src/log.js'

/** A config for tests: loopback defaults plus the given variables. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', DEMO_DATA: 'off', PGLITE_DIR: 'memory://', ...env })
}

/** Captures every JSON log line the app writes. */
export function captureLogs(): { readonly lines: string[]; readonly stream: Writable } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  return { lines, stream }
}

/** The same app the server runs, on a test database; close it after the test. */
export async function buildTestApp(
  handle: DbHandle,
  env: Record<string, string> = {},
  logs?: Writable,
): Promise<FastifyInstance> {
  const config = testConfig(env)
  const log = createLogger(logs ? 'info' : 'silent', logs)
  return buildApp({ db: handle.db, log, config })
}
