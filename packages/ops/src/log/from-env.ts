/**
 * The operational settings a server command reads from its environment, checked at start: a bad value is a
 * TypeError naming the variable.
 * @see ../../../../docs/operations.md "Configuration"
 */
import { createJsonLogger, type JsonLogger, type LogLevel } from './json-logger.js'

/** What {@link operationsFromEnv} returns, for `createAuthServer`'s and `createIdp`'s deps. */
export interface OperationsSettings {
  /** JSON lines on stdout at `OPENXAA_LOG_LEVEL` (default `info`); `off` gives a logger that drops everything. */
  requestLogger: JsonLogger
  /** `OPENXAA_MAX_IN_FLIGHT`, default 256; 0 = no limit. */
  maxInFlight: number
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'off']

/** Reads `OPENXAA_LOG_LEVEL` and `OPENXAA_MAX_IN_FLIGHT`. */
export function operationsFromEnv(
  service: string,
  env: Record<string, string | undefined> = process.env,
  write?: (line: string) => void,
): OperationsSettings {
  const level = env.OPENXAA_LOG_LEVEL ?? 'info'
  if (!LEVELS.includes(level)) throw new TypeError(`OPENXAA_LOG_LEVEL must be one of ${LEVELS.join(', ')}`)
  const raw = env.OPENXAA_MAX_IN_FLIGHT ?? '256'
  const maxInFlight = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(maxInFlight)) {
    throw new TypeError('OPENXAA_MAX_IN_FLIGHT must be a whole number (0 = no limit)')
  }
  const requestLogger =
    level === 'off'
      ? { debug() {}, info() {}, warn() {}, error() {} }
      : createJsonLogger({ service, level: level as LogLevel, ...(write ? { write } : {}) })
  return { requestLogger, maxInFlight }
}
