import { describe, expect, it } from 'vitest'
import { ConfigError, isLoopbackHost, loadConfig, redactDatabaseUrl } from '../src/config.js'

describe('loadConfig', () => {
  it('serves the demo on loopback with PGlite and auth off when nothing is set', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      pgliteDir: './.patrol/db',
      logLevel: 'info',
      authEnabled: false,
      demoDataDir: './data',
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('names every bad variable in one error', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', AUTH: 'maybe' })
    expect(attempt).toThrow(ConfigError)
    try {
      attempt()
    } catch (err) {
      const problems = (err as ConfigError).problems
      expect(problems).toHaveLength(4)
      expect(problems.join('\n')).toMatch(/PORT must be an integer from 0 to 65535, got "eighty"/)
      expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/)
      expect(problems.join('\n')).toMatch(/DATABASE_URL must start with postgres/)
      expect(problems.join('\n')).toMatch(/AUTH must be one of on\|off, got "maybe"/)
    }
  })

  it('turns auth on by default on a public host and refuses AUTH=off there', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).authEnabled).toBe(true)
    expect(() => loadConfig({ HOST: '0.0.0.0', AUTH: 'off' })).toThrow(
      /AUTH=off is only allowed when HOST is a loopback/,
    )
    expect(loadConfig({ HOST: '127.0.0.1', AUTH: 'on' }).authEnabled).toBe(true)
  })

  it('reads PostgreSQL, limits and the PGlite directory', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:secret@db:5432/patrol',
      PGLITE_DIR: '/var/lib/patrol',
      BODY_LIMIT_BYTES: '2048',
      DEMO_DATA: 'off',
    })
    expect(config.databaseUrl).toBe('postgres://u:secret@db:5432/patrol')
    expect(config.pgliteDir).toBe('/var/lib/patrol')
    expect(config.bodyLimitBytes).toBe(2048)
    expect(config.demoDataDir).toBeUndefined()
  })

  it('gives a request an hour to arrive, as uploads are read while they are imported', () => {
    expect(loadConfig({}).requestTimeoutMs).toBe(3_600_000)
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '120000' }).requestTimeoutMs).toBe(120_000)
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '3600001' })).toThrow(
      /REQUEST_TIMEOUT_MS must be an integer from 1000 to 3600000/,
    )
  })

  it('refuses WORKER=off on the embedded database, where no other process can work the jobs', () => {
    expect(() => loadConfig({ WORKER: 'off' })).toThrow(ConfigError)
    expect(() => loadConfig({ WORKER: 'off', PGLITE_DIR: '/var/lib/patrol' })).toThrow(
      /WORKER=off needs PostgreSQL \(DATABASE_URL\)/,
    )
    expect(loadConfig({ WORKER: 'off', DATABASE_URL: 'postgres://u@db/patrol' }).worker).toBe(false)
    expect(loadConfig({}).worker).toBe(true)
  })

  it('rejects limits out of range', () => {
    expect(() => loadConfig({ BODY_LIMIT_BYTES: '10' })).toThrow(
      /BODY_LIMIT_BYTES must be an integer from 1024/,
    )
  })
})

describe('isLoopbackHost', () => {
  it('accepts only addresses this machine alone can reach', () => {
    expect(['127.0.0.1', '127.3.2.1', 'localhost', '::1'].every(isLoopbackHost)).toBe(true)
    expect(['0.0.0.0', '10.0.0.1', 'example.org', '::'].some(isLoopbackHost)).toBe(false)
  })
})

describe('redactDatabaseUrl', () => {
  it('takes a report hash key of 32 characters or more, and none by default', () => {
    expect(loadConfig({}).reportHashKey).toBeUndefined()
    const key = 'a'.repeat(64)
    expect(loadConfig({ REPORT_HASH_KEY: key }).reportHashKey).toBe(key)
    expect(() => loadConfig({ REPORT_HASH_KEY: 'short' })).toThrow(
      /REPORT_HASH_KEY must be at least 32 characters/,
    )
  })

  it('hides the password', () => {
    expect(redactDatabaseUrl('postgres://u:secret@db:5432/x')).toBe('postgres://u:***@db:5432/x')
    expect(redactDatabaseUrl('postgres://db/x')).toBe('postgres://db/x')
    expect(redactDatabaseUrl('postgres://nobody@127.0.0.1:1/none')).toBe(
      'postgres://nobody@127.0.0.1:1/none',
    )
  })

  it('hides a password without a user, with an @ in it, or in the query', () => {
    expect(redactDatabaseUrl('postgres://:secret@db/x')).toBe('postgres://:***@db/x')
    const at = redactDatabaseUrl('postgres://u:p@ss@w@rd@db:5432/x')
    expect(at).toBe('postgres://u:***@db:5432/x')
    expect(redactDatabaseUrl('postgresql://u:s%40cret@[::1]:5432/x')).toBe(
      'postgresql://u:***@[::1]:5432/x',
    )
    expect(redactDatabaseUrl('postgres://u@db/x?sslmode=require&password=secret')).toBe(
      'postgres://u@db/x?sslmode=require&password=***',
    )
    expect(redactDatabaseUrl('postgres:///x?user=u&PASSWORD=secret')).toBe(
      'postgres:///x?user=u&PASSWORD=***',
    )
    // not a WHATWG URL (credentials without a host): the whole user info goes
    expect(redactDatabaseUrl('postgres://u:secret@/x?host=/run/pg&password=secret')).toBe(
      'postgres://***@/x?host=/run/pg&password=***',
    )
    for (const url of [
      'postgres://:secret@db/x',
      'postgres://u:p@ss@secret@db/x',
      'postgres://u@db/x?password=secret',
      'postgres://u:secret@/x',
    ])
      expect(redactDatabaseUrl(url)).not.toMatch(/secret|ss@/)
  })
})
