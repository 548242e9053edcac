#!/usr/bin/env node
/**
 * `openxaa-store migrate [--url <database url>]`: applies pending migrations and exits. Without --url it reads
 * OPENXAA_DATABASE_URL, like the servers. Exit code 0 on success, 1 on failure, 2 on a usage error.
 */
import { parseArgs } from 'node:util'
import { openStore } from '../open.js'

const USAGE = 'usage: openxaa-store migrate [--url <sqlite:path | postgres://… | pglite:dir>]'

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (positionals.length !== 1 || positionals[0] !== 'migrate') {
    console.error(USAGE)
    return 2
  }
  const store = await openStore({ ...(values.url === undefined ? {} : { url: values.url }), migrate: false })
  try {
    const { applied, current } = await store.migrate()
    console.log(
      applied.length === 0
        ? `openxaa-store: ${store.backend} schema is current (${current.at(-1) ?? 'empty'})`
        : `openxaa-store: applied ${applied.join(', ')} on ${store.backend}`,
    )
    return 0
  } finally {
    await store.close()
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    // The message names settings and rows, never the URL (which may hold a password).
    console.error(`openxaa-store: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`)
    process.exitCode = 1
  },
)
