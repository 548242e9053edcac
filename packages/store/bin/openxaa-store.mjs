#!/usr/bin/env node
// `openxaa-store`: the TypeScript sources in a clone of the repository, the compiled dist/ in an installed package.
import { launch } from '@openxaa/protocol/launch'

await launch(
  new URL('../src/bin/openxaa-store.ts', import.meta.url),
  new URL('../dist/bin/openxaa-store.js', import.meta.url),
)
