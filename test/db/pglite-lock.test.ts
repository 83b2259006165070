import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DirectoryLockedError, lockDirectory } from '../../src/db/pglite-lock.js'

const freshDir = () => join(mkdtempSync(join(tmpdir(), 'patrol-lock-')), 'db')

describe('lockDirectory', () => {
  it('refuses a second lock on the same directory while the first is held', () => {
    const dir = freshDir()
    const lock = lockDirectory(dir)
    expect(() => lockDirectory(dir)).toThrow(DirectoryLockedError)
    expect(() => lockDirectory(dir)).toThrow(new RegExp(`in use by process ${process.pid}`))
    lock.release()
    expect(existsSync(`${dir}.lock`)).toBe(false)
    lockDirectory(dir).release()
  })

  it('replaces a lock left by a dead process on this host', () => {
    const dir = freshDir()
    // pid 2^22+1 is above Linux's default pid_max range in containers; it is not running
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: 4194305, host: hostname(), since: 'then' }))
    const lock = lockDirectory(dir)
    expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  it('replaces a lock naming our own pid that this process does not hold (a restarted container)', () => {
    const dir = freshDir()
    writeFileSync(
      `${dir}.lock`,
      JSON.stringify({ pid: process.pid, host: hostname(), since: 'then' }),
    )
    const lock = lockDirectory(dir)
    expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).since).not.toBe('then')
    expect(() => lockDirectory(dir)).toThrow(DirectoryLockedError)
    lock.release()
  })

  it('never steals a lock held from another host, and says how to clear it', () => {
    const dir = freshDir()
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: 1, host: 'other-machine', since: 'then' }))
    expect(() => lockDirectory(dir)).toThrow(/in use by process 1 on other-machine/)
    expect(() => lockDirectory(dir)).toThrow(/if it is gone, delete .*db\.lock/)
  })
})
