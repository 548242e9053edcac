/**
 * A PostgreSQL database a fault test can take away and give back, shared by the servers' fault tests. Each database
 * is a role of its own with a schema of the same name (a role's default search_path starts with "$user", so the
 * store migrates and works there). `cut()` takes the role's login away and ends its sessions: open connections die
 * (57P01) and new ones are refused (28000), as when the server restarts or fails over. `restore()` gives it back.
 *
 * The server is OPENXAA_TEST_POSTGRES_URL, else postgres://root@127.0.0.1:5432/test, as a role that may create
 * roles. {@link postgresForFaults} is false when it does not answer and the URL was not set (the tests skip);
 * with the URL set, an unreachable server fails the run instead of skipping it silently.
 */
import { randomBytes } from 'node:crypto'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import pg from 'pg'

const ADMIN_URL = process.env.OPENXAA_TEST_POSTGRES_URL || 'postgres://root@127.0.0.1:5432/test'

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end().catch(() => {})
  }
}

/** True when the PostgreSQL server answers; throws when OPENXAA_TEST_POSTGRES_URL names one that does not. */
export async function postgresForFaults(): Promise<boolean> {
  try {
    await admin('select 1')
    return true
  } catch (err) {
    if (process.env.OPENXAA_TEST_POSTGRES_URL) {
      throw new Error(`OPENXAA_TEST_POSTGRES_URL does not answer: ${(err as Error).message}`)
    }
    console.warn(`\n*** PostgreSQL fault tests skipped: no server at ${new URL(ADMIN_URL).host} ***\n`)
    return false
  }
}

/** A database (role and schema) whose connections a test can cut. */
export interface OutageDatabase {
  /** The connection URL of the role. */
  readonly url: string
  /** Refuses the role's logins and ends its sessions: the database is gone for it. */
  cut(): Promise<void>
  /** Lets the role log in again. */
  restore(): Promise<void>
  /** Drops the schema and the role. */
  drop(): Promise<void>
}

/** Creates a role and its schema; `prefix` names them (`<prefix>_<random>`). */
export async function createOutageDatabase(prefix: string): Promise<OutageDatabase> {
  if (!/^[a-z_]{1,20}$/.test(prefix)) throw new TypeError('prefix must be a short lower-case identifier')
  const role = `${prefix}_${randomBytes(4).toString('hex')}`
  await admin(`CREATE ROLE ${role} LOGIN; CREATE SCHEMA ${role} AUTHORIZATION ${role}`)
  const url = new URL(ADMIN_URL)
  url.username = role
  url.password = ''
  return {
    url: url.href,
    cut: () =>
      admin(
        `ALTER ROLE ${role} NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`,
      ),
    restore: () => admin(`ALTER ROLE ${role} LOGIN`),
    async drop() {
      await admin(
        `ALTER ROLE ${role} NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`,
      )
      await admin(`DROP SCHEMA IF EXISTS ${role} CASCADE; DROP ROLE IF EXISTS ${role}`)
    },
  }
}

/** A TCP proxy in front of the PostgreSQL server that a test can turn into a black hole. */
export interface SilentProxy {
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string
  /**
   * Ends every proxied connection and from now on accepts new ones without ever answering or closing them: a server
   * that dropped off the network, where a client waits for as long as it is willing to.
   */
  silence(): void
  /** Forwards again (the connections left waiting are closed). */
  restore(): void
  close(): Promise<void>
}

/** Starts a {@link SilentProxy} to the server of OPENXAA_TEST_POSTGRES_URL. */
export async function startSilentProxy(): Promise<SilentProxy> {
  const target = new URL(ADMIN_URL)
  const open = new Set<Socket>()
  const waiting = new Set<Socket>()
  let silent = false
  const server = createServer((socket) => {
    socket.on('error', () => {})
    if (silent) {
      waiting.add(socket)
      socket.once('close', () => waiting.delete(socket))
      return
    }
    const upstream = connect(Number(target.port || 5432), target.hostname)
    upstream.on('error', () => socket.destroy())
    socket.on('close', () => upstream.destroy())
    upstream.on('close', () => socket.destroy())
    for (const s of [socket, upstream]) {
      open.add(s)
      s.once('close', () => open.delete(s))
    }
    socket.pipe(upstream)
    upstream.pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const destroyAll = (set: Set<Socket>) => {
    for (const s of [...set]) s.destroy()
  }
  return {
    through(url) {
      const u = new URL(url)
      u.hostname = '127.0.0.1'
      u.port = String(port)
      return u.href
    },
    silence() {
      silent = true
      destroyAll(open)
    },
    restore() {
      silent = false
      destroyAll(waiting)
    },
    close() {
      destroyAll(open)
      destroyAll(waiting)
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
