#!/usr/bin/env node
// `openxaa-as`: the TypeScript sources in a clone of the repository, the compiled dist/ in an installed package.
import { launch } from '@openxaa/protocol/launch'

await launch(
  new URL('../src/bin/openxaa-as.ts', import.meta.url),
  new URL('../dist/bin/openxaa-as.js', import.meta.url),
)
