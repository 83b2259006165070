import pino, { type DestinationStream, type Logger } from 'pino'
import type { LogLevel } from './config.js'

export type { Logger }

/** Paths pino replaces with "[redacted]": credentials, wherever a request's headers get logged. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'request.headers.authorization',
  'request.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
]

/**
 * The service's one logger: JSON lines, pretty-printed only when stdout is a terminal.
 * The level comes from LOG_LEVEL through the config, never from NODE_ENV.
 * @param destination - tests pass a stream to capture the lines.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }
  if (destination) return pino(options, destination)
  if (process.stdout.isTTY) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } })
  }
  return pino(options)
}
