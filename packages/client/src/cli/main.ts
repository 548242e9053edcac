#!/usr/bin/env node
// `openxaa`: sign in once at the enterprise IdP, then reach every MCP server through cross-app access.

import { pathToFileURL } from 'node:url'
import { defaultConfigDir } from '../token-store/paths.js'
import { parseArgs } from './args.js'
import { type CliDeps, type Command, commandContext } from './commands/context.js'
import { inspect } from './commands/inspect.js'
import { call, token, tools } from './commands/mcp.js'
import { servers } from './commands/servers.js'
import { login, logout, whoami } from './commands/session.js'
import { DELEGATED_COMMANDS, runDelegated } from './delegate.js'
import { EXIT, exitCodeFor, findXaaError, UsageError } from './exit-codes.js'
import { type CliIo, processIo } from './io.js'
import { createProgress } from './progress.js'

const COMMANDS: readonly Command[] = [login, logout, whoami, servers, tools, call, token, inspect]

function generalHelp(): string {
  const rows = [
    ...COMMANDS.map((c) => [c.name, c.summary]),
    ...Object.entries(DELEGATED_COMMANDS).map(([name, d]) => [name, `${d.summary} (from ${d.installs})`]),
  ]
  return `Usage: openxaa <command> [options]

Sign in once at your organization's IdP, then reach every approved MCP server through Cross-App Access (ID-JAG).

Commands:
${rows.map(([name, summary]) => `  ${name!.padEnd(9)} ${summary}`).join('\n')}

Options for every command: --json (machine-readable output on stdout), --help.
Configuration and tokens: $OPENXAA_HOME, else ~/.config/openxaa (config.json, tokens.json; mode 0600).
OPENXAA_DEBUG=1 prints debug lines on stderr (never a token).

Exit codes: 0 ok, 1 usage or configuration, 2 sign-in required, 3 refused by policy, 4 network or server error,
5 inspect: the token breaks a rule, 6 call: the tool reported an error.
`
}

const HINTS: Record<number, string> = {
  [EXIT.SIGN_IN_REQUIRED]: 'Run: openxaa login',
}

/**
 * Runs one `openxaa` invocation and returns its exit code; never exits the process (tests and embedders call it).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2))
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo(), deps: CliDeps = {}): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined
    io.stdout(target === undefined ? generalHelp() : `${target.help}\n`)
    return name === undefined ? EXIT.USAGE : EXIT.OK
  }
  const progress = createProgress(io)
  const json = rest.includes('--json')
  try {
    const delegated = DELEGATED_COMMANDS[name]
    if (delegated !== undefined) return await runDelegated(name, delegated, rest, io)
    const command = COMMANDS.find((c) => c.name === name)
    if (command === undefined) throw new UsageError(`unknown command "${name}"; see openxaa --help`)
    const args = parseArgs(rest, command.spec)
    if (args.flags.has('help')) {
      io.stdout(`${command.help}\n`)
      return EXIT.OK
    }
    const dir = defaultConfigDir(io.env)
    return await command.run(commandContext(io, args, dir, progress, deps))
  } catch (error) {
    progress.stop()
    const code = exitCodeFor(error)
    const xaa = findXaaError(error)
    const message = xaa?.message ?? (error instanceof Error ? error.message : String(error))
    io.stderr(`openxaa ${name}: ${message}\n`)
    const hint =
      error instanceof UsageError && DELEGATED_COMMANDS[name] === undefined
        ? `See: openxaa ${name} --help`
        : HINTS[code]
    if (hint !== undefined && !json) io.stderr(`${hint}\n`)
    if (json) {
      const detail = {
        code: xaa?.code ?? (error instanceof UsageError ? 'ERR_USAGE' : 'ERR_UNEXPECTED'),
        message,
        exit: code,
      }
      io.stdout(
        `${JSON.stringify({ error: { ...detail, ...(xaa?.oauthError === undefined ? {} : { oauthError: xaa.oauthError }) } }, null, 2)}\n`,
      )
    }
    return code
  } finally {
    progress.stop()
  }
}

/** Runs the CLI for this process (the bin entry), then exits without waiting for idle keep-alive connections. */
export async function runFromProcess(): Promise<void> {
  const code = await runCli(process.argv.slice(2))
  process.exitCode = code
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()))
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()))
  process.exit(code)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await runFromProcess()
