import { join } from 'node:path'
import { createXaaClient, type XaaClient, type XaaClientDeps } from '../../client.js'
import { FileTokenStore } from '../../token-store/file.js'
import type { ArgSpec, ParsedArgs } from '../args.js'
import { type CliConfig, clientOptionsFrom, loadConfig } from '../config.js'
import type { CliIo } from '../io.js'
import type { Progress } from '../progress.js'

/** What the CLI is given beyond the process: for tests and embedders (e.g. a fetch, a browser stand-in). */
export type CliDeps = Pick<XaaClientDeps, 'fetch' | 'openBrowser' | 'clock'>

/** What a command runs with. */
export interface CommandContext {
  io: CliIo
  args: ParsedArgs
  /** `--json`: one JSON document on stdout, nothing else there. */
  json: boolean
  /** The openxaa directory (`$OPENXAA_HOME` or `~/.config/openxaa`). */
  dir: string
  progress: Progress
  deps: CliDeps
  config(): Promise<CliConfig>
  /** An SDK client for the configuration, its tokens in `tokens.json` beside it. */
  client(config: CliConfig): XaaClient
}

/** One `openxaa` command. */
export interface Command {
  name: string
  summary: string
  /** The full `--help` text. */
  help: string
  spec: ArgSpec
  run(ctx: CommandContext): Promise<number>
}

/** Builds the context of one invocation. */
export function commandContext(
  io: CliIo,
  args: ParsedArgs,
  dir: string,
  progress: Progress,
  deps: CliDeps,
): CommandContext {
  const debug = io.env.OPENXAA_DEBUG === '1'
  return {
    io,
    args,
    json: args.flags.has('json'),
    dir,
    progress,
    deps,
    config: () => loadConfig(dir),
    client(config) {
      return createXaaClient(clientOptionsFrom(config), {
        ...deps,
        store: new FileTokenStore(join(dir, 'tokens.json')),
        onProgress: (stage) => progress.stage(stage),
        ...(debug
          ? { logger: { debug: (message, fields) => io.stderr(`debug: ${message} ${JSON.stringify(fields ?? {})}\n`) } }
          : {}),
      })
    },
  }
}

/** Prints a result: JSON on stdout with `--json`, else the human text. */
export function output(ctx: CommandContext, human: string, json: unknown): void {
  ctx.progress.stop()
  ctx.io.stdout(ctx.json ? `${JSON.stringify(json, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`)
}

/** `2026-05-01 12:00:00 UTC` for epoch seconds. */
export function formatTime(seconds: number): string {
  return `${new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')} UTC`
}
