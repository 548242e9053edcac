/**
 * The IdP's commands as a process runs them: `openxaa-idp ...` (the bin) and `openxaa idp ...` (the client CLI loads
 * this module by name and calls {@link main}). `serve` keeps running until SIGINT or SIGTERM, then stops cleanly.
 */
import { openStore } from '@openxaa/store'
import { runCli } from './main.js'

/** Where a command writes; the client CLI passes its own, the bin the process streams. */
export interface CommandIo {
  stdout(text: string): void
  stderr(text: string): void
  env: NodeJS.ProcessEnv
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Runs one `openxaa-idp` command line; resolves to its exit code (after the server stopped, for `serve`). */
export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  let stop: (() => Promise<void>) | undefined
  const code = await runCli(
    argv,
    {
      out: (line) => io.stdout(`${line}\n`),
      err: (line) => io.stderr(`${line}\n`),
      readStdin,
      env: io.env,
      openStore: (url) => openStore(url === undefined ? {} : { url }),
    },
    (s) => {
      stop = s
    },
  )
  if (stop === undefined) return code
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await stop()
  return 0
}
