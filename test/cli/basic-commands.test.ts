import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { jsonSummary, runPatrol, startPatrol } from '../helpers/cli.js'

const freshDir = () => join(mkdtempSync(join(tmpdir(), 'patrol-cli-')), 'db')

describe('patrol CLI', () => {
  it('exits 1 with one line naming each bad variable before opening anything', async () => {
    const run = await runPatrol(['migrate'], { PORT: 'x', LOG_LEVEL: 'chatty' })
    expect(run.code).toBe(1)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(
      /^patrol: invalid configuration: PORT must be an integer .*LOG_LEVEL must be one of/,
    )
  })

  it('creates a key, prints it once and summarises with --json', async () => {
    const dir = freshDir()
    const run = await runPatrol(
      ['keys', 'create', '--role', 'supervisor', '--label', 'night shift', '--json'],
      { PGLITE_DIR: dir },
    )
    expect(run.code).toBe(0)
    const summary = jsonSummary(run)
    expect(summary).toMatchObject({ ok: true, role: 'supervisor' })
    expect(summary.key).toMatch(/^pat_[0-9a-f]{16}_[\w-]{43}$/)
    expect(existsSync(`${dir}.lock`)).toBe(false)
  })

  it('rejects an unknown role and a missing --role', async () => {
    const bad = await runPatrol(['keys', 'create', '--role', 'sheriff'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/argument 'sheriff' is invalid/)
    expect((await runPatrol(['keys', 'create'])).stderr).toMatch(
      /required option '--role <role>' not specified/,
    )
  })

  it('answers --json failures with ok:false as the last line', async () => {
    const run = await runPatrol(['migrate', '--json'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    })
    expect(run.code).toBe(1)
    expect(jsonSummary(run)).toMatchObject({ ok: false, code: 'database-unavailable' })
    expect(run.stderr).toMatch(
      /^patrol: cannot reach PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none/,
    )
  })

  it('refuses WORKER=off on the embedded database before opening it', async () => {
    const dir = freshDir()
    const run = await runPatrol(['serve'], { WORKER: 'off', PORT: '0', PGLITE_DIR: dir })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^patrol: invalid configuration: WORKER=off needs PostgreSQL/)
    expect(existsSync(dir)).toBe(false)
  })

  it('refuses to serve a public host without API keys', async () => {
    const run = await runPatrol(['serve'], { HOST: '0.0.0.0', PORT: '0', PGLITE_DIR: freshDir() })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /auth is on but no API key exists: create one with `patrol keys create --role admin`/,
    )
  })

  it('serves until SIGTERM, then closes the database and releases its directory', async () => {
    const dir = freshDir()
    const child = startPatrol(['serve'], { PORT: '0', PGLITE_DIR: dir })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (d) => {
        out += d
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
        if (m) resolve(m[1])
      })
      child.on('close', (code) => reject(new Error(`exited ${code}: ${out}`)))
    })
    expect((await fetch(`${url}/health/ready`)).status).toBe(200)
    const locked = await runPatrol(['migrate'], { PGLITE_DIR: dir })
    expect(locked.code).toBe(1)
    expect(locked.stderr).toMatch(/is in use by process \d+/)
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve))
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
    expect(existsSync(`${dir}.lock`)).toBe(false)
  })
})
