#!/usr/bin/env node
// Entry point of `openxaa-as`; see ../cli/main.ts.
import { runCli } from '../cli/main.js'

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    console.error(`openxaa-as: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 1
  },
)
