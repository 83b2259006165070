import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'

/** Raised when another live process holds a PGlite data directory. */
export class DirectoryLockedError extends Error {
  readonly code = 'database-locked'
  constructor(message: string) {
    super(message)
    this.name = 'DirectoryLockedError'
  }
}

export interface DirectoryLock {
  readonly path: string
  release(): void
}

/** Lock files this process holds: a lock naming our pid that is not here was left by an earlier
 * process that had the same pid (a restarted container's node is usually pid 1 again). */
const held = new Set<string>()

interface LockOwner {
  readonly pid: number
  readonly host: string
  readonly since: string
}

/**
 * Takes an exclusive lock on a PGlite data directory by creating `<dir>.lock` with O_EXCL.
 * PGlite is single-process: two processes on one directory corrupt it (pglite #709), so a live
 * owner is never stolen from; a lock left by a dead process on this host is replaced.
 * @throws DirectoryLockedError naming the owner's pid when the directory is in use.
 */
export function lockDirectory(dir: string): DirectoryLock {
  const path = `${dir}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      const owner: LockOwner = {
        pid: process.pid,
        host: hostname(),
        since: new Date().toISOString(),
      }
      writeSync(fd, JSON.stringify(owner))
      closeSync(fd)
      held.add(path)
      return { path, release: () => releaseIfOurs(path) }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const owner = readOwner(path)
    if (owner && ownerMayBeAlive(owner, path)) {
      throw new DirectoryLockedError(
        `PGlite directory ${dir} is in use by process ${owner.pid} on ${owner.host} since ${owner.since}; ` +
          `stop that process or set PGLITE_DIR to another directory (if it is gone, delete ${path})`,
      )
    }
    // the owner died without releasing (kill -9), or was an earlier process with our pid: stale
    rmSync(path, { force: true })
  }
  throw new DirectoryLockedError(
    `PGlite directory ${dir} was locked by another process while starting`,
  )
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner
  } catch {
    return undefined
  }
}

/** Another host's process cannot be checked, so it counts as alive. */
function ownerMayBeAlive(owner: LockOwner, path: string): boolean {
  if (owner.host !== hostname()) return true
  if (owner.pid === process.pid) return held.has(path)
  return isAlive(owner.pid)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function releaseIfOurs(path: string): void {
  const owner = readOwner(path)
  if (owner?.pid === process.pid && owner.host === hostname()) rmSync(path, { force: true })
  held.delete(path)
}
