#!/usr/bin/env node
// `openxaa`: the TypeScript sources in a clone of the repository, the compiled dist/ in an installed package.
import { launch } from '@openxaa/protocol/launch'

const { runFromProcess } = await launch(
  new URL('../src/cli/main.ts', import.meta.url),
  new URL('../dist/cli/main.js', import.meta.url),
)
await runFromProcess()
