import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const PATROL_BIN = fileURLToPath(new URL('../../bin/patrol.js', import.meta.url))

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `patrol <args>` on this Node with only the given environment (plus PATH and HOME). */
export function runPatrol(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = startPatrol(args, env)
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Starts `patrol <args>` without waiting; the caller reads its streams and stops it. */
export function startPatrol(
  args: readonly string[],
  env: Record<string, string> = {},
): ChildProcess {
  return spawn(process.execPath, [PATROL_BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'info',
      DEMO_DATA: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** The last line of a command's stdout parsed as its --json summary. */
export function jsonSummary(run: CliRun): Record<string, unknown> {
  const lines = run.stdout.trim().split('\n')
  return JSON.parse(lines.at(-1) ?? '{}')
}
