/**
 * `openxaa-as`: run the resource authorization server, or administer it on the store directly.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
import { isStoreError } from '@openxaa/store'
import { AdminError } from '../admin/errors.js'
import { ADMIN_NOUNS, ADMIN_USAGE, adminCommand } from './admin-commands.js'
import { UsageError } from './args.js'
import { SERVE_USAGE, serveCommand } from './serve.js'

export const USAGE = `usage: openxaa-as <command> [options]

Commands:
  serve                         run the resource authorization server
  org add|list                  organizations (the vendor's enterprise customers)
  trust add|list|enable|disable|verify   ID-JAG issuers an organization trusts
  client add|list               clients registered at this AS
  resource add|list             MCP servers this AS issues tokens for
  api-key create                admin API keys
  keys rotate                   rotate the access-token signing key (published 60 s before it signs)

Run "openxaa-as <command> --help" for a command's options.`

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      console.log(USAGE)
      return command === undefined ? 2 : 0
    }
    if (command === 'serve') return await serveCommand(rest)
    if (ADMIN_NOUNS.includes(command)) return await adminCommand(command, rest)
    throw new UsageError(`unknown command "${command}"`, USAGE)
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`openxaa-as: ${err.message}\n${err.usage}`)
      return 2
    }
    if (err instanceof AdminError || err instanceof TypeError || isStoreError(err) || err instanceof SyntaxError) {
      console.error(`openxaa-as: ${err.message}`)
      return 1
    }
    console.error(`openxaa-as: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`)
    return 1
  }
}

export { ADMIN_USAGE, SERVE_USAGE }
