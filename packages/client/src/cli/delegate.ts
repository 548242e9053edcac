// The extension point for `openxaa idp ...` and `openxaa as ...`: those commands belong to the server packages and
// are loaded from them at run time, by name. The client has no build-time dependency on any server package; a
// package that wants a command here exports, from the module named below, the function
//
//   main(argv: string[], io: { stdout(text: string): void; stderr(text: string): void; env: NodeJS.ProcessEnv }): Promise<number>
//
// which receives the arguments after the command name and returns the exit code.

import { EXIT, UsageError } from './exit-codes.js'
import type { CliIo } from './io.js'

/** A command provided by another package. */
export interface DelegatedCommand {
  summary: string
  /** The module that exports `main(argv, io)`. */
  module: string
  /** The package to install when the module is missing. */
  installs: string
}

/** Commands provided by the server packages, by name. */
export const DELEGATED_COMMANDS: Readonly<Record<string, DelegatedCommand>> = Object.freeze({
  idp: { summary: 'Run and administer the OpenXAA IdP', module: '@openxaa/idp/cli', installs: '@openxaa/idp' },
  as: {
    summary: 'Run and administer an OpenXAA resource AS',
    module: '@openxaa/auth-server/cli',
    installs: '@openxaa/auth-server',
  },
})

type DelegateMain = (argv: string[], io: Pick<CliIo, 'stdout' | 'stderr' | 'env'>) => Promise<number>

/** Runs a delegated command, or explains which package provides it. */
export async function runDelegated(
  name: string,
  command: DelegatedCommand,
  argv: string[],
  io: CliIo,
): Promise<number> {
  let main: DelegateMain | undefined
  try {
    const loaded = (await import(command.module)) as { main?: unknown }
    main = typeof loaded.main === 'function' ? (loaded.main as DelegateMain) : undefined
  } catch (error) {
    // Missing package or missing subpath; an error raised inside an installed CLI module is not hidden.
    const code = (error as NodeJS.ErrnoException).code
    const missing =
      code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' ||
      (error instanceof Error && error.message.includes(command.installs) && !error.message.includes('SyntaxError'))
    if (!missing) throw error
  }
  if (main === undefined) {
    throw new UsageError(
      `"openxaa ${name}" is provided by ${command.installs}, which is not installed (or has no CLI module)`,
    )
  }
  const code = await main(argv, io)
  return Number.isInteger(code) ? code : EXIT.NETWORK_OR_SERVER
}
