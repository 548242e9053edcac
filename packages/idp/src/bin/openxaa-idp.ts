#!/usr/bin/env node
/**
 * `openxaa-idp`: the enterprise IdP's command line. From a fresh clone:
 * `node --conditions=openxaa-source --import tsx packages/idp/src/bin/openxaa-idp.ts --help` (or `npm run -s idp -- --help`).
 */
import { openStore } from '@openxaa/store'
import { runCli } from '../cli/main.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

let stop: (() => Promise<void>) | undefined
const code = await runCli(
  process.argv.slice(2),
  {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    readStdin,
    env: process.env,
    openStore: (url) => openStore(url === undefined ? {} : { url }),
  },
  (s) => {
    stop = s
  },
)
if (stop !== undefined) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop!().finally(() => process.exit(0))
    })
  }
} else {
  process.exitCode = code
}
