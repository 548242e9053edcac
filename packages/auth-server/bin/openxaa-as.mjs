#!/usr/bin/env node
// Runs the TypeScript sources with tsx (no build needed in a clone), or the compiled CLI when dist/ exists.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'dist', 'bin', 'openxaa-as.js')
const args = existsSync(built)
  ? [built]
  : ['--conditions=source', '--import', 'tsx', join(root, 'src', 'bin', 'openxaa-as.ts')]
const { status, signal } = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' })
process.exitCode = status ?? (signal ? 1 : 0)
