#!/usr/bin/env node
import { spawn } from 'node:child_process'
// `npm start`: runs the demo. Until the demo (examples/demo) exists, it says what is there and exits cleanly.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const demo = join(root, 'examples/demo/src/main.ts')
if (existsSync(demo)) {
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
} else {
  console.log('OpenXAA: the demo is not built yet. What exists today:')
  console.log('  packages/protocol  ID-JAG minting and verification, token-request parsing, metadata, JWKS cache')
  console.log('Run the test suite with: npm test')
}
