#!/usr/bin/env node
// `npm run bench`: runs every bench/*.ts in turn (one at a time: the machine is small and shared); each writes its
// results to bench/results/.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const benches = readdirSync(join(root, 'bench'))
  .filter((name) => name.endsWith('.ts'))
  .sort()
let failed = 0
for (const name of benches) {
  console.log(`\n== bench/${name}`)
  const run = spawnSync(process.execPath, ['--conditions=openxaa-source', '--import', 'tsx', join('bench', name)], {
    cwd: root,
    stdio: 'inherit',
  })
  if (run.status !== 0) failed++
}
process.exitCode = failed === 0 ? 0 : 1
