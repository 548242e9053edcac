#!/usr/bin/env node
// Runs the TypeScript sources with tsx in a clone (no build needed, never a stale dist/), or the compiled CLI where
// the sources or tsx are absent (an installed package).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'src', 'bin', 'openxaa-as.ts')
let tsx = false
try {
  import.meta.resolve('tsx')
  tsx = true
} catch {}
const args =
  tsx && existsSync(source)
    ? ['--conditions=openxaa-source', '--import', 'tsx', source]
    : [join(root, 'dist', 'bin', 'openxaa-as.js')]
const { status, signal } = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' })
process.exitCode = status ?? (signal ? 1 : 0)
