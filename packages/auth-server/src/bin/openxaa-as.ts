#!/usr/bin/env node
// Entry point of `openxaa-as`; see ../cli/main.ts.
import { applyConfigFile } from '@openxaa/ops'
import { runCli } from '../cli/main.js'

// OPENXAA_CONFIG_FILE, checked before anything reads the environment; a bad setting stops here, named.
Promise.resolve()
  .then(() => applyConfigFile(process.env))
  .then(() => runCli(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code
    },
    (err: unknown) => {
      console.error(`openxaa-as: ${err instanceof Error ? err.message : String(err)}`)
      process.exitCode = 1
    },
  )
