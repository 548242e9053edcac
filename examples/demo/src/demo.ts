/**
 * `startDemo()`: the whole world on one machine. Binds the five ports, opens one store per role, builds the real
 * servers (the IdP, two resource ASes, the notes and tasks MCP servers) on them, seeds an empty demo through the
 * servers' admin operations, and writes a ready CLI configuration. Used by `npm start` and by the end-to-end tests.
 * @see ../../../shared/architecture.md (examples/demo), ../../../docs/quickstart.md
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createAuthServer } from '@openxaa/auth-server'
import { createNotesServer } from '@openxaa/example-notes-server'
import { createTasksServer } from '@openxaa/example-tasks-server'
import { type AdminContext, createIdp, type Idp, type IdpLogger } from '@openxaa/idp'
import type { JsonLogger } from '@openxaa/ops'
import { ACME } from './cast.js'
import { bindPorts, DemoStartError } from './listen.js'
import { authServerIsEmpty, idpIsEmpty, SEED_ACTOR, seedAuthServer, seedIdp } from './seed.js'
import type { DemoPorts, DemoSettings, DemoUrls } from './settings.js'
import { urlsFor } from './settings.js'
import { cliHome, type DemoState, movedUrls, readState, writeCliConfig, writeState } from './state.js'
import { closeDemoStores, type DemoStores, openDemoStores, resetDemoData } from './stores.js'

/** What `startDemo` takes: the settings, where ports may be 0 (any free port, for tests). */
export type StartDemoOptions = Omit<DemoSettings, 'host'> & { host?: '127.0.0.1' }

/** What the demo is given from outside. */
export interface DemoDeps {
  /** Epoch ms, shared by every server (and by a test's clients). Default `Date.now`. */
  clock?: () => number
  /** scrypt cost of the demo users' password hashes (log2 N). Default 17, the IdP's own default. */
  passwordHashCost?: number
  /** Environment for OPENXAA_COOKIE_KEYS. Default `process.env`. */
  env?: Record<string, string | undefined>
  /** Where the IdP reports warnings and errors. Default: the console. */
  idpLogger?: IdpLogger
  /** Every server's per-address limit on credential endpoints (default: the servers' default, 600 a minute). */
  rateLimitPerMinute?: number | false
  /** Every server's per-client limit at the token endpoint (default: the servers' default, 3000 a minute). */
  rateLimitPerClientPerMinute?: number | false
  /** A JSON request logger per server (`openxaa-idp`, `notes-as`, `notes-mcp`…). Default: no request log. */
  requestLogger?: (service: string) => JsonLogger
}

/** A running demo. */
export interface Demo {
  readonly urls: DemoUrls
  readonly ports: DemoPorts
  readonly state: DemoState
  /** True when this start seeded an empty demo. */
  readonly seeded: boolean
  /** The CLI configuration folder (the OPENXAA_HOME of the printed commands). */
  readonly cliHome: string
  readonly stores: DemoStores
  readonly idp: Idp
  /** The IdP's administration in-process, audited like the CLI (what `npm run idp -- user disable …` does). */
  readonly idpAdmin: AdminContext
  /** Stops every server, frees every port, closes every store. */
  close(): Promise<void>
}

/** The IdP's cookie-signing keys: OPENXAA_COOKIE_KEYS, else a file in the data folder made on first start. */
function cookieKeys(env: Record<string, string | undefined>, dataDir: string): string[] {
  if (env.OPENXAA_COOKIE_KEYS) return env.OPENXAA_COOKIE_KEYS.split(',').map((k) => k.trim())
  const file = join(dataDir, 'idp-cookie-keys')
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 })
  }
  chmodSync(file, 0o600)
  return readFileSync(file, 'utf8').split('\n').filter(Boolean)
}

const RESET_HINT = 'start over with: npm start -- --reset'

/** Starts the demo; throws a {@link DemoStartError} with what to do when it cannot. */
export async function startDemo(options: StartDemoOptions, deps: DemoDeps = {}): Promise<Demo> {
  const host = options.host ?? '127.0.0.1'
  const clock = deps.clock ?? Date.now
  const log = (service: string) =>
    deps.requestLogger === undefined ? {} : { requestLogger: deps.requestLogger(service) }
  const bound = await bindPorts(host, {
    idp: { name: 'the Acme IdP', port: options.ports.idp },
    notesAs: { name: 'the Notes authorization server', port: options.ports.notesAs },
    notesMcp: { name: 'the Notes MCP server', port: options.ports.notesMcp },
    tasksAs: { name: 'the Tasks authorization server', port: options.ports.tasksAs },
    tasksMcp: { name: 'the Tasks MCP server', port: options.ports.tasksMcp },
  })
  const ports: DemoPorts = {
    idp: bound.idp.port,
    notesAs: bound.notesAs.port,
    notesMcp: bound.notesMcp.port,
    tasksAs: bound.tasksAs.port,
    tasksMcp: bound.tasksMcp.port,
  }
  const urls = urlsFor(host, ports)
  // Closing frees the ports first (no new requests), then stops the servers and closes the stores, newest first.
  const cleanup: (() => Promise<void>)[] = []
  let closing: Promise<void> | undefined
  const closeAll = () => {
    closing ??= (async () => {
      await Promise.all(Object.values(bound).map((b) => b.close()))
      for (const step of [...cleanup].reverse()) await step()
    })()
    return closing
  }

  try {
    // After the ports: a start that cannot run must not have deleted anything.
    if (options.reset) await resetDemoData(options)
    let state = readState(options.dataDir)
    if (state !== undefined) {
      const moved = movedUrls(state, urls)
      if (moved.length > 0) {
        throw new DemoStartError(
          `the demo in ${options.dataDir} was set up for other addresses (${moved.join('; ')}); use the same ports, or ${RESET_HINT}`,
        )
      }
    }
    const stores = await openDemoStores(options, clock)
    cleanup.push(() => closeDemoStores(stores))
    const empty = [
      await idpIsEmpty(stores.idp),
      await authServerIsEmpty(stores.notes_as),
      await authServerIsEmpty(stores.tasks_as),
    ]
    if (state !== undefined && empty.some(Boolean)) {
      throw new DemoStartError(`the demo's databases no longer match ${options.dataDir}/demo.json; ${RESET_HINT}`)
    }
    if (state === undefined && !empty.every(Boolean)) {
      throw new DemoStartError(
        `the demo's databases are set up but ${options.dataDir}/demo.json is missing; ${RESET_HINT}`,
      )
    }

    const passwordHashCost = deps.passwordHashCost ?? 17
    const limits = {
      ...(deps.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: deps.rateLimitPerMinute }),
      ...(deps.rateLimitPerClientPerMinute === undefined
        ? {}
        : { rateLimitPerClientPerMinute: deps.rateLimitPerClientPerMinute }),
    }
    const idp = await createIdp(
      {
        store: stores.idp,
        clock,
        ...(deps.idpLogger === undefined ? {} : { logger: deps.idpLogger }),
        ...log('openxaa-idp'),
      },
      {
        issuer: urls.idp,
        tenant: ACME.tenant,
        cookieKeys: cookieKeys(deps.env ?? process.env, options.dataDir),
        displayName: ACME.displayName,
        passwordHashCost,
        ...limits,
      },
    )
    cleanup.push(() => idp.close())
    bound.idp.attach((request, env) => idp.fetch(request, env as never))
    for (const [key, store, issuer] of [
      ['notesAs', stores.notes_as, urls.notesAs],
      ['tasksAs', stores.tasks_as, urls.tasksAs],
    ] as const) {
      const as = createAuthServer({ store, clock, ...log(`${key}`) }, { issuer, ...limits })
      cleanup.push(() => as.close())
      bound[key].attach(as.fetch)
    }
    const notes = createNotesServer({
      resource: urls.notesMcp,
      authorizationServer: urls.notesAs,
      dataFile: join(options.dataDir, 'notes.sqlite'),
      clock,
      ...log('notesMcp'),
    })
    cleanup.push(() => notes.close())
    bound.notesMcp.attach(notes.fetch)
    const tasks = createTasksServer({
      resource: urls.tasksMcp,
      authorizationServer: urls.tasksAs,
      dataFile: join(options.dataDir, 'tasks.sqlite'),
      clock,
      ...log('tasksMcp'),
    })
    cleanup.push(() => tasks.close())
    bound.tasksMcp.attach(tasks.fetch)

    const idpAdmin: AdminContext = {
      store: stores.idp,
      actor: { ...SEED_ACTOR },
      now: clock,
      passwordHashCost,
      keyRetireAfter: 3660,
    }
    const seeded = state === undefined
    if (state === undefined) {
      const idpSecrets = await seedIdp(idpAdmin, urls)
      const notesSecrets = await seedAuthServer(stores.notes_as, 'notes', urls, { clock })
      const tasksSecrets = await seedAuthServer(stores.tasks_as, 'tasks', urls, { clock })
      const { console: _console, ...seededUrls } = urls
      state = {
        version: 1,
        urls: seededUrls,
        secrets: { idp: idpSecrets, vendors: { notes: notesSecrets, tasks: tasksSecrets } },
      }
      writeState(options.dataDir, state)
    }
    writeCliConfig(options.dataDir, state)
    const finalState = state
    return {
      urls,
      ports,
      state: finalState,
      seeded,
      cliHome: cliHome(options.dataDir),
      stores,
      idp,
      idpAdmin,
      close: closeAll,
    }
  } catch (err) {
    await closeAll()
    throw err
  }
}
