/**
 * Settings from a file: `OPENXAA_CONFIG_FILE` names a JSON object of the same names as the environment variables
 * (`{ "OPENXAA_DATABASE_URL": "postgres://…", "OPENXAA_LOG_LEVEL": "warn" }`). The environment wins over the file.
 * Checked at start: an unknown name or a value that is not a string is a TypeError naming the setting and the file.
 * @see ../../../../docs/operations.md "Configuration"
 */
import { readFileSync } from 'node:fs'
import { RATE_LIMIT_SETTINGS } from '../rate-limit/options.js'

/** Every setting a server command reads from its environment (and so may read from the file). */
export const KNOWN_SETTINGS: readonly string[] = [
  'OPENXAA_DATABASE_URL',
  'OPENXAA_DATABASE_NAMED_STATEMENTS',
  'OPENXAA_KEY_ENCRYPTION_KEY',
  'OPENXAA_ISSUER',
  'OPENXAA_PASSWORD_HASH_COST',
  'OPENXAA_DATA_DIR',
  'OPENXAA_COOKIE_KEYS',
  'OPENXAA_TENANT',
  'OPENXAA_TRUST_PROXY',
  'OPENXAA_LOG_LEVEL',
  'OPENXAA_MAX_IN_FLIGHT',
  'PORT',
  ...RATE_LIMIT_SETTINGS,
]

/**
 * Merges the file `env.OPENXAA_CONFIG_FILE` (if set) under `env`, in place, and returns `env`.
 * @example applyConfigFile(process.env) // before anything reads the environment
 */
export function applyConfigFile(
  env: Record<string, string | undefined>,
  known: readonly string[] = KNOWN_SETTINGS,
): Record<string, string | undefined> {
  const file = env.OPENXAA_CONFIG_FILE
  if (file === undefined || file === '') return env
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'not valid JSON'
    throw new TypeError(`OPENXAA_CONFIG_FILE ${file}: cannot be read (${why})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError(`OPENXAA_CONFIG_FILE ${file}: must hold a JSON object of settings`)
  }
  for (const [name, value] of Object.entries(parsed)) {
    if (!known.includes(name)) throw new TypeError(`OPENXAA_CONFIG_FILE ${file}: unknown setting ${name}`)
    if (typeof value !== 'string') throw new TypeError(`OPENXAA_CONFIG_FILE ${file}: ${name} must be a string`)
    if (env[name] === undefined) env[name] = value
  }
  return env
}
