#!/usr/bin/env node
// `npm start`: runs the demo (examples/demo/src/main.ts) from the TypeScript sources, with no build step: tsx
// compiles on the fly and the "openxaa-source" condition resolves the workspace packages to their sources.
// package.json runs this script with `exec`, so that npm's SIGTERM reaches this process (a shell in between would
// die and leave the demo running); this process forwards SIGINT and SIGTERM and exits with the demo's code.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const demo = join(root, 'examples/demo/src/main.ts')
const child = spawn(
  process.execPath,
  ['--conditions=openxaa-source', '--import', 'tsx', demo, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
