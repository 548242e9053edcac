/**
 * What a seeded demo remembers between runs, in `<data dir>/demo.json` (mode 0600: it holds client secrets), and the
 * ready `openxaa` configuration it writes into `<data dir>/cli` for the CLI client (Acme Code).
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { CLI_CLIENT, VENDORS } from './cast.js'
import type { DemoSecrets } from './seed.js'
import type { DemoUrls } from './settings.js'

/** The content of demo.json. */
export interface DemoState {
  version: 1
  /** The URLs the databases were seeded with: issuers and resources are stored, so they must not move. */
  urls: Omit<DemoUrls, 'console'>
  secrets: DemoSecrets
}

const stateFile = (dataDir: string) => join(dataDir, 'demo.json')

/** The CLI's configuration folder (its OPENXAA_HOME). */
export const cliHome = (dataDir: string) => join(dataDir, 'cli')

function writePrivate(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(temp, content, { mode: 0o600 })
  chmodSync(temp, 0o600)
  renameSync(temp, path)
}

/** Reads demo.json; undefined when there is none. */
export function readState(dataDir: string): DemoState | undefined {
  const path = stateFile(dataDir)
  if (!existsSync(path)) return undefined
  const state = JSON.parse(readFileSync(path, 'utf8')) as DemoState
  if (state.version !== 1) throw new Error(`${path} is not a demo state file (version 1)`)
  return state
}

/** Writes demo.json, last step of a seed: its presence means the seed finished. */
export function writeState(dataDir: string, state: DemoState): void {
  writePrivate(stateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`)
}

/** The URLs that differ between the seeded state and this start, as "name: seeded → now" lines. */
export function movedUrls(state: DemoState, urls: DemoUrls): string[] {
  return (Object.keys(state.urls) as (keyof DemoState['urls'])[])
    .filter((k) => state.urls[k] !== urls[k])
    .map((k) => `${k}: ${state.urls[k]} → ${urls[k]}`)
}

/**
 * Writes `<data dir>/cli/config.json` for the `openxaa` CLI as Acme Code: the IdP and its client credentials, the
 * two MCP servers by name, and the client's credentials at each vendor's AS (keyed by that AS's issuer). The same
 * file `openxaa login --idp … --client-id …` and `openxaa servers add … --as-client-id …` would write; tokens.json
 * beside it (the session) is left alone.
 */
export function writeCliConfig(dataDir: string, state: DemoState): string {
  const home = cliHome(dataDir)
  const issuers = { notes: state.urls.notesAs, tasks: state.urls.tasksAs }
  const mcps = { notes: state.urls.notesMcp, tasks: state.urls.tasksMcp }
  const config = {
    version: 1,
    idp: { issuer: state.urls.idp, clientId: CLI_CLIENT, clientSecret: state.secrets.idp[CLI_CLIENT] },
    servers: Object.fromEntries(VENDORS.map((v) => [v.key, { url: mcps[v.key], issuer: issuers[v.key] }])),
    authorizationServers: Object.fromEntries(
      VENDORS.map((v) => [
        issuers[v.key],
        { clientId: v.clientIds[CLI_CLIENT], clientSecret: state.secrets.vendors[v.key][CLI_CLIENT] },
      ]),
    ),
  }
  writePrivate(join(home, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
  return home
}
