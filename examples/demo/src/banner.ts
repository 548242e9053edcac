/**
 * What `npm start` prints once everything listens: where each server is, who can sign in, the console, and the exact
 * `openxaa` commands to run next. The end-to-end test runs those commands as printed, so they must stay runnable.
 */
import { isAbsolute, relative } from 'node:path'
import { CLIENTS, CONNECTIONS, USERS, userNamed, VENDORS } from './cast.js'
import type { Demo } from './demo.js'
import type { DemoSettings } from './settings.js'

/** The line the demo prints when it is ready; scripts wait for it. */
export const READY_LINE = 'OpenXAA demo ready. Stop it with Ctrl-C.'

/** Who signs in at each `login` step of the walkthrough, in order. */
export const WALKTHROUGH_SIGN_INS = ['alice', 'bob'] as const

const SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/
const quote = (arg: string) => (SAFE.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)

/** The OPENXAA_HOME to print: relative to where the user runs npm when inside it, absolute otherwise. */
function homeFor(cliHome: string, cwd: string): string {
  const rel = relative(cwd, cliHome)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : cliHome
}

/** One `openxaa` command line as a user types it from the repository root, with no build step. */
export function openxaaCommand(home: string, args: readonly string[]): string {
  return `OPENXAA_HOME=${quote(home)} npm run -s openxaa -- ${args.map(quote).join(' ')}`
}

/** The walkthrough's commands, in order; the steps that sign in are {@link WALKTHROUGH_SIGN_INS}. */
export function walkthrough(home: string) {
  const [notes, tasks] = VENDORS as [(typeof VENDORS)[0], (typeof VENDORS)[1]]
  const call = (v: typeof notes, c: typeof notes.write) => [
    'call',
    v.key,
    c.tool,
    ...(Object.keys(c.arguments).length === 0 ? [] : [JSON.stringify(c.arguments)]),
  ]
  return {
    signIn: openxaaCommand(home, ['login', '--device']),
    bothServers: [
      openxaaCommand(home, call(notes, notes.write)),
      openxaaCommand(home, call(tasks, tasks.write)),
      openxaaCommand(home, call(notes, notes.read)),
      openxaaCommand(home, call(tasks, tasks.read)),
    ],
    refused: openxaaCommand(home, call(tasks, tasks.read)),
  }
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join('   ')}`.trimEnd())
}

/** The whole text printed after start. */
export function banner(
  demo: Demo,
  settings: Pick<DemoSettings, 'dataDir' | 'databaseUrl' | 'schemaPrefix'>,
  cwd: string,
): string {
  const { urls } = demo
  const home = homeFor(demo.cliHome, cwd)
  const data = homeFor(settings.dataDir, cwd)
  const steps = walkthrough(home)
  const alice = userNamed(WALKTHROUGH_SIGN_INS[0])
  const bob = userNamed(WALKTHROUGH_SIGN_INS[1])
  const admin = USERS.find((u) => u.admin)!
  const storage =
    settings.databaseUrl === undefined
      ? `SQLite files in ${data} (kept between runs; npm start -- --reset starts over)`
      : `PostgreSQL, schemas ${settings.schemaPrefix}_idp, _notes_as, _tasks_as (keys and MCP data in ${data})`
  const cli = CLIENTS[0]!
  const lines = [
    '',
    `OpenXAA demo: the enterprise "Acme" and two SaaS vendors, each server on its own loopback port.${demo.seeded ? ' (first start: set up)' : ''}`,
    '',
    ...table([
      ['Acme IdP', urls.idp, 'OIDC sign-in, managed connections, ID-JAGs'],
      ['Notes authorization server', urls.notesAs, 'trusts Acme; redeems ID-JAGs for tokens'],
      ['Notes MCP server', urls.notesMcp, `tools ${VENDORS[0]!.write.tool}, ${VENDORS[0]!.read.tool}, …`],
      ['Tasks authorization server', urls.tasksAs, 'trusts Acme; redeems ID-JAGs for tokens'],
      ['Tasks MCP server', urls.tasksMcp, `tools ${VENDORS[1]!.write.tool}, ${VENDORS[1]!.read.tool}, …`],
    ]),
    `  Data: ${storage}`,
    '',
    `People at Acme (demo passwords, for this demo only). Through ${cli.name} (client ${cli.clientId}, played by the openxaa CLI):`,
    ...table(
      USERS.map((u) => [
        u.username,
        u.password,
        u.admin ? 'admin' : u.groups.join(', ') || '(no group)',
        `reaches ${u.reaches}`,
      ]),
    ),
    `  Managed connections: ${CONNECTIONS.map((c) => `${c.client} → ${c.vendor} for ${c.groups.join('+')} (${c.scopes.join(' ')})`).join('; ')}`,
    '',
    `Admin console: ${urls.console}  (sign in as ${admin.username} / ${admin.password})`,
    '',
    'Try it, in another terminal, from the repository root:',
    '',
    `1. Sign in once, as ${alice.username}. The command prints a code: open ${urls.idp}/device, enter the code, then sign in`,
    `   as ${alice.username} / ${alice.password}. The command finishes by itself.`,
    `   ${steps.signIn}`,
    '',
    "2. Call tools on both vendors' MCP servers. No second sign-in: each call gets an ID-JAG from the IdP and redeems it",
    "   at that vendor's authorization server.",
    ...steps.bothServers.map((c) => `   ${c}`),
    '',
    `3. Refused by policy: sign in as ${bob.username} (${bob.groups.join(', ')} only; approve the code as ${bob.username} / ${bob.password}),`,
    '   then ask for Tasks. The IdP says no (access_denied): exit code 3, with the reason.',
    `   ${steps.signIn}`,
    `   ${steps.refused}`,
    '',
    ...(settings.databaseUrl === undefined
      ? [`Every decision is audited: npm run -s idp -- audit list --limit 10 --database-url sqlite:${data}/idp.db`]
      : []),
    'What just happened, step by step: docs/quickstart.md',
    '',
    READY_LINE,
  ]
  return lines.join('\n')
}
