/**
 * One JSON object per line: `time`, `level`, `service`, `msg` and fields. Values under a sensitive name (token,
 * secret, password, assertion, authorization, cookie…) and any JWT-shaped string are replaced before writing: a log
 * line never carries a credential, whatever a caller passes.
 * @see ../../../../docs/operations.md "Logs"
 */

/** Log levels, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** A structured logger; the servers' `logger` options accept it. */
export interface JsonLogger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** Settings of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** The `service` field of every line (`openxaa-as`, `openxaa-idp`…). */
  service: string
  /** Lines below this level are dropped; default `info`. */
  level?: LogLevel
  /** Where a line goes (without its newline); default `process.stdout`. */
  write?: (line: string) => void
  /** Epoch ms; default `Date.now`. */
  now?: () => number
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const SENSITIVE_NAME =
  /token|secret|password|passwd|assertion|authorization|cookie|credential|private|jwk|code_verifier|^code$/i
// Three base64url segments with a JOSE header start: an unsigned, signed or encrypted JWT.
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g
const REDACTED = '[redacted]'
const ERROR_CODE = /^(ERR_[A-Z0-9_]+|[A-Z0-9]{5}|E[A-Z]+|SQLITE_[A-Z_]+)$/

/** Replaces sensitive values and JWT-shaped substrings, depth-limited so a cyclic value cannot hang the logger. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(JWT_SHAPED, REDACTED)
  if (value === null || typeof value !== 'object') return value
  if (depth > 5) return '[truncated]'
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    // `code` is an error code in our lines (ERR_…) but an authorization code in OAuth's: only the former is kept.
    const errorCode = k === 'code' && typeof v === 'string' && ERROR_CODE.test(v)
    out[k] = SENSITIVE_NAME.test(k) && !errorCode ? REDACTED : redact(v, depth + 1)
  }
  return out
}

/**
 * A logger writing JSON lines; fields go through {@link redact}.
 * @example const logger = createJsonLogger({ service: 'openxaa-as' })
 */
export function createJsonLogger(options: JsonLoggerOptions): JsonLogger {
  const min = LEVELS[options.level ?? 'info']
  if (min === undefined) throw new TypeError('level must be one of debug, info, warn, error')
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const now = options.now ?? Date.now
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return
    const safe = fields === undefined ? {} : (redact(fields) as Record<string, unknown>)
    write(
      JSON.stringify({
        ...safe,
        time: new Date(now()).toISOString(),
        level,
        service: options.service,
        msg: redact(message),
      }),
    )
  }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}
