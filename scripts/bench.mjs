#!/usr/bin/env node
// `npm run bench [-- --quick | --profile | --only idp,as | …]`: runs the benchmark suite (bench/suite.ts), which
// measures every leg of the flow beside its references and writes bench/results/latest.{md,json}. The store
// micro-benchmark stays separate: `node --conditions=openxaa-source --import tsx bench/store.ts`. See bench/README.md.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = spawnSync(
  process.execPath,
  ['--conditions=openxaa-source', '--import', 'tsx', join('bench', 'suite.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
)
process.exitCode = run.status ?? 1
