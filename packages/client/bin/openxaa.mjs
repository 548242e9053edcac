#!/usr/bin/env node
// The `openxaa` command. An installed (built) package runs dist/cli/main.js; a fresh clone of the repository,
// with no build, runs the TypeScript sources through tsx and the workspace "source" export condition
// (OPENXAA_FROM_SOURCE=1 forces the sources, for development after a build).

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const built = new URL('../dist/cli/main.js', import.meta.url)
if (existsSync(built) && process.env.OPENXAA_FROM_SOURCE !== '1') {
  const { runFromProcess } = await import(built.href)
  await runFromProcess()
} else {
  const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))
  const tsx = import.meta.resolve('tsx')
  const child = spawnSync(
    process.execPath,
    ['--conditions=openxaa-source', '--import', tsx, source, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  )
  process.exitCode = child.status ?? 1
}
