#!/usr/bin/env node
// `openxaa-store`. In a clone of the repository (sources and tsx present) it runs the TypeScript sources in this very
// process: a resolve hook adds the workspace's "openxaa-source" export condition and tsx compiles on the fly, so no
// build is needed and signals reach the server directly. An installed package runs the compiled dist/ instead.
import { existsSync } from 'node:fs'
import { register } from 'node:module'

const source = new URL('../src/bin/openxaa-store.ts', import.meta.url)
let tsx
try {
  tsx = import.meta.resolve('tsx/esm/api')
} catch {}
if (tsx !== undefined && existsSync(source)) {
  register(
    'data:text/javascript,export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "openxaa-source"] }) }',
  )
  ;(await import(tsx)).register()
  await import(source.href)
} else {
  await import(new URL('../dist/bin/openxaa-store.js', import.meta.url).href)
}
