import { InvalidArgumentError } from 'commander'
import { loadConfig, type Config } from '../config.js'
import type { DbHandle } from '../db/connect.js'
import { createLogger, type Logger } from '../log.js'
import { openMigratedDatabase } from '../main.js'

/** What every command's action gets: the environment's config, a logger on stderr, and --json. */
export interface CommandContext {
  readonly config: Config
  readonly log: Logger
  readonly json: boolean
}

/** A command's outcome: lines for people and a summary object for `--json` (printed last). */
export interface CommandResult {
  readonly lines: readonly string[]
  readonly summary: Readonly<Record<string, unknown>>
  /**
   * Set when the command ran but its work failed (e.g. a schedule that ended `failed`): the lines
   * and summary are still printed, the reason goes to stderr, `--json` says `ok: false` and the
   * exit code is 1.
   */
  readonly failure?: { readonly reason: string; readonly code?: string }
}

/**
 * A commander argument parser for a whole number from `min` to `max`; anything else (`abc`, `1.5`,
 * `1e3`, out of range) is refused with a one-line reason before the action runs.
 */
export function integerArg(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`)
    return n
  }
}

/**
 * Wraps a command action: loads config, prints the result, and turns any failure into a one-line
 * reason on stderr (plus `{"ok":false,…}` as the last stdout line with --json) and exit code 1.
 */
export function action<A extends unknown[]>(
  run: (ctx: CommandContext, ...args: A) => Promise<CommandResult | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const opts = findOptions(args)
    const json = opts.json === true
    try {
      const config = loadConfig(process.env)
      // logs go to stderr so stdout stays the command's own output; quiet unless LOG_LEVEL asks
      const level = json || !process.env.LOG_LEVEL ? 'warn' : config.logLevel
      const log = createLogger(level, process.stderr as never)
      const result = await run({ config, log, json }, ...args)
      if (!result) return
      const failure = result.failure
      if (!json) for (const line of result.lines) process.stdout.write(`${line}\n`)
      else if (!failure)
        process.stdout.write(`${JSON.stringify({ ok: true, ...result.summary })}\n`)
      if (failure) {
        const reason = oneLine(failure.reason)
        process.stderr.write(`patrol: ${reason}\n`)
        if (json)
          process.stdout.write(
            `${JSON.stringify({ ok: false, error: reason, code: failure.code ?? 'failed', ...result.summary })}\n`,
          )
        process.exitCode = 1
      }
    } catch (err) {
      const reason = oneLine(err)
      process.stderr.write(`patrol: ${reason}\n`)
      if (json)
        process.stdout.write(`${JSON.stringify({ ok: false, error: reason, code: codeOf(err) })}\n`)
      process.exitCode = 1
    }
  }
}

/** Opens and migrates the configured database for the duration of `fn`. */
export async function withDatabase<T>(
  ctx: CommandContext,
  fn: (handle: DbHandle) => Promise<T>,
): Promise<T> {
  const handle = await openMigratedDatabase(ctx.config, ctx.log)
  try {
    return await fn(handle)
  } finally {
    await handle.close()
  }
}

function findOptions(args: readonly unknown[]): Record<string, unknown> {
  // commander passes (...positionals, options, command)
  const candidate = args.at(-2)
  return candidate && typeof candidate === 'object' ? (candidate as Record<string, unknown>) : {}
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.replace(/\s+/g, ' ').trim()
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' ? code : 'failed'
}
