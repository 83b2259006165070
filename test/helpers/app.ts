import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from '../../src/config.js'
import type { DbHandle } from '../../src/db/connect.js'
import { buildApp, type AppDeps } from '../../src/http/app.js'
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
  deps: Partial<Pick<AppDeps, 'networks' | 'risk' | 'jobs'>> = {},
): Promise<FastifyInstance> {
  const config = testConfig(env)
  const log = createLogger(logs ? 'info' : 'silent', logs)
  return buildApp({ handle, log, config, ...deps })
}

/** A multipart/form-data body: text fields first, then one file (as the upload routes expect). */
export function multipart(
  fields: Readonly<Record<string, string>>,
  file?: { readonly field?: string; readonly filename: string; readonly content: Buffer },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----patrol${Math.random().toString(16).slice(2)}`
  const chunks: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    )
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    )
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}
