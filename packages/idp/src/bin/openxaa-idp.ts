#!/usr/bin/env node
/**
 * `openxaa-idp`: the enterprise IdP's command line. From a fresh clone:
 * `node packages/idp/bin/openxaa-idp.mjs --help` (or `npm run -s idp -- --help`).
 */
import { main } from '../cli/openxaa.js'

process.exitCode = await main(process.argv.slice(2))
