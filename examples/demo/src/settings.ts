/**
 * The demo's settings: command-line flags win over the environment, which wins over the defaults. Every server is
 * on its own port of one loopback host, as each role would be on its own origin in real life.
 * @see ../../../docs/quickstart.md "Ports and settings"
 */
import { isAbsolute, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

/** The five servers, each on its own port. */
export interface DemoPorts {
  idp: number
  notesAs: number
  notesMcp: number
  tasksAs: number
  tasksMcp: number
}

/** Everything `startDemo` needs to know. */
export interface DemoSettings {
  /** Always a loopback address: the demo is never reachable from another machine. */
  host: '127.0.0.1'
  ports: DemoPorts
  /** Absolute path of the data folder (SQLite files, the key-encryption key, the CLI configuration). */
  dataDir: string
  /** A PostgreSQL URL, or undefined for SQLite files in the data folder. */
  databaseUrl: string | undefined
  /** PostgreSQL only: the roles' schemas are `<prefix>_idp`, `<prefix>_notes_as`, `<prefix>_tasks_as`. */
  schemaPrefix: string
  /** Start over: delete the demo's databases and files first. */
  reset: boolean
}

/** A mistake in the flags or environment; `main` prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** Default ports: the IdP on 4000, each vendor on a hundred of its own (AS, then MCP server). */
export const DEFAULT_PORT_BASE = 4000

/** The port layout from a base: IdP = base, Notes AS/MCP = base+100/101, Tasks AS/MCP = base+200/201. */
export function portsFrom(base: number): DemoPorts {
  return { idp: base, notesAs: base + 100, notesMcp: base + 101, tasksAs: base + 200, tasksMcp: base + 201 }
}

/** `--help`. */
export const USAGE = `usage: npm start [-- options]

Runs the OpenXAA demo on this machine: the Acme IdP, the Notes and Tasks vendors (a resource authorization server
and an MCP server each), every one on its own loopback port. Data is kept between runs.

  --reset                 start over: delete the demo's databases, keys and CLI configuration first
  --data-dir <dir>        the data folder (default ./data/demo; OPENXAA_DEMO_DATA_DIR)
  --port-base <n>         move every port: IdP n, Notes AS/MCP n+100/n+101, Tasks AS/MCP n+200/n+201
                          (default 4000; OPENXAA_DEMO_PORT_BASE)
  --database-url <url>    postgres://... to keep the three roles' data in PostgreSQL, one schema each
                          (default: SQLite files in the data folder; OPENXAA_DATABASE_URL)
  --help                  this text

One port at a time: OPENXAA_DEMO_IDP_PORT, OPENXAA_DEMO_NOTES_AS_PORT, OPENXAA_DEMO_NOTES_MCP_PORT,
OPENXAA_DEMO_TASKS_AS_PORT, OPENXAA_DEMO_TASKS_MCP_PORT. PostgreSQL schemas: OPENXAA_DEMO_SCHEMA_PREFIX
(default openxaa_demo). Stop with Ctrl-C.`

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`${name} must be a port number (1-65535)`)
  return n
}

function databaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined
  // Three roles need three stores: one PostgreSQL database holds them as three schemas; SQLite is one file per role
  // in the data folder, so a single SQLite or PGlite URL cannot describe them.
  if (/^postgres(ql)?:\/\//.test(value)) return value
  throw new UsageError(
    'the demo takes a postgres:// database URL (one schema per role); without one it keeps SQLite files in the data folder',
  )
}

/**
 * Reads the settings from the command line and the environment.
 * @example parseSettings(['--reset'], process.env, process.cwd())
 */
export function parseSettings(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): DemoSettings & { help: boolean } {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: {
        reset: { type: 'boolean' },
        'data-dir': { type: 'string' },
        'port-base': { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const base = port('--port-base', (values['port-base'] as string | undefined) ?? env.OPENXAA_DEMO_PORT_BASE, 4000)
  if (base + 201 > 65535) throw new UsageError('--port-base must leave room for base+201 (at most 65334)')
  const defaults = portsFrom(base)
  const ports: DemoPorts = {
    idp: port('OPENXAA_DEMO_IDP_PORT', env.OPENXAA_DEMO_IDP_PORT, defaults.idp),
    notesAs: port('OPENXAA_DEMO_NOTES_AS_PORT', env.OPENXAA_DEMO_NOTES_AS_PORT, defaults.notesAs),
    notesMcp: port('OPENXAA_DEMO_NOTES_MCP_PORT', env.OPENXAA_DEMO_NOTES_MCP_PORT, defaults.notesMcp),
    tasksAs: port('OPENXAA_DEMO_TASKS_AS_PORT', env.OPENXAA_DEMO_TASKS_AS_PORT, defaults.tasksAs),
    tasksMcp: port('OPENXAA_DEMO_TASKS_MCP_PORT', env.OPENXAA_DEMO_TASKS_MCP_PORT, defaults.tasksMcp),
  }
  if (new Set(Object.values(ports)).size !== 5) throw new UsageError('the five demo ports must all differ')
  const dir = (values['data-dir'] as string | undefined) ?? env.OPENXAA_DEMO_DATA_DIR ?? join('data', 'demo')
  const schemaPrefix = env.OPENXAA_DEMO_SCHEMA_PREFIX ?? 'openxaa_demo'
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(schemaPrefix)) {
    throw new UsageError('OPENXAA_DEMO_SCHEMA_PREFIX must be lower-case letters, digits and "_" (at most 41)')
  }
  return {
    host: '127.0.0.1',
    ports,
    dataDir: isAbsolute(dir) ? dir : resolve(cwd, dir),
    databaseUrl: databaseUrl((values['database-url'] as string | undefined) ?? env.OPENXAA_DATABASE_URL),
    schemaPrefix,
    reset: values.reset === true,
    help: values.help === true,
  }
}

/** The URLs the servers answer at, from the host and ports. Issuers have no trailing slash (they compare exactly). */
export interface DemoUrls {
  idp: string
  notesAs: string
  notesMcp: string
  tasksAs: string
  tasksMcp: string
  console: string
}

/** The demo's URLs. */
export function urlsFor(host: string, ports: DemoPorts): DemoUrls {
  const origin = (p: number) => `http://${host}:${p}`
  return {
    idp: origin(ports.idp),
    notesAs: origin(ports.notesAs),
    notesMcp: `${origin(ports.notesMcp)}/mcp`,
    tasksAs: origin(ports.tasksAs),
    tasksMcp: `${origin(ports.tasksMcp)}/mcp`,
    console: `${origin(ports.idp)}/console`,
  }
}
