/** The one database setting: `OPENXAA_DATABASE_URL` (or `options.url`), parsed once into a backend choice. */

/** The default: SQLite in a file under `./data`, nothing to install. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/openxaa.db'

/** The environment variable that chooses the database. */
export const DATABASE_URL_ENV = 'OPENXAA_DATABASE_URL'

/** A parsed database URL. `dialect` is the SQL the backend speaks; PGlite speaks PostgreSQL in-process. */
export type DatabaseTarget =
  | { backend: 'sqlite'; dialect: 'sqlite'; filename: string; memory: boolean }
  | { backend: 'postgres'; dialect: 'postgres'; connectionString: string }
  | { backend: 'pglite'; dialect: 'postgres'; dataDir: string | undefined }

/**
 * Parses a database URL: `sqlite:<path>`, `sqlite::memory:`, `postgres://…`, `postgresql://…`, `pglite:<dir>` or
 * `pglite:memory:`. A malformed value is a `TypeError` naming `setting`; the message never repeats the URL, which may
 * hold a password.
 * @example parseDatabaseUrl('sqlite:./data/openxaa.db') // { backend: 'sqlite', filename: './data/openxaa.db', … }
 */
export function parseDatabaseUrl(url: string, setting = DATABASE_URL_ENV): DatabaseTarget {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new TypeError(`${setting} must be a non-empty database URL (sqlite:, postgres://, pglite:)`)
  }
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length)
    if (rest === ':memory:') return { backend: 'sqlite', dialect: 'sqlite', filename: ':memory:', memory: true }
    // `sqlite:///abs/path` and `sqlite://./rel` are accepted as spellings of `sqlite:/abs/path`, `sqlite:./rel`.
    const filename = rest.startsWith('//') ? rest.slice(2) : rest
    if (filename === '' || filename.includes('\0')) throw new TypeError(`${setting}: sqlite: needs a file path`)
    return { backend: 'sqlite', dialect: 'sqlite', filename, memory: false }
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new TypeError(`${setting}: malformed PostgreSQL URL`)
    }
    if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
      throw new TypeError(`${setting}: PostgreSQL URL needs a host`)
    }
    return { backend: 'postgres', dialect: 'postgres', connectionString: url }
  }
  if (url.startsWith('pglite:')) {
    const rest = url.slice('pglite:'.length)
    if (rest === 'memory:' || rest === ':memory:') return { backend: 'pglite', dialect: 'postgres', dataDir: undefined }
    const dataDir = rest.startsWith('//') ? rest.slice(2) : rest
    if (dataDir === '' || dataDir.includes('\0')) throw new TypeError(`${setting}: pglite: needs a directory`)
    return { backend: 'pglite', dialect: 'postgres', dataDir }
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0]
  throw new TypeError(
    `${setting}: unsupported database URL${scheme ? ` scheme "${scheme}"` : ''}; expected sqlite:<path>, sqlite::memory:, postgres://…, postgresql://…, pglite:<dir> or pglite:memory:`,
  )
}
