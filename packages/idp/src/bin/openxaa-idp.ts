#!/usr/bin/env node
/**
 * `openxaa-idp`: the enterprise IdP's command line. From a fresh clone:
 * `node packages/idp/bin/openxaa-idp.mjs --help` (or `npm run -s idp -- --help`).
 */
import { applyConfigFile } from '@openxaa/ops'
import { main } from '../cli/openxaa.js'

// OPENXAA_CONFIG_FILE, checked before anything reads the environment; a bad setting stops here, named.
try {
  applyConfigFile(process.env)
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  console.error(`openxaa-idp: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
}
