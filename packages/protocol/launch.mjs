// How every OpenXAA command line starts (`openxaa`, `openxaa-idp`, `openxaa-as`, `openxaa-store`). In a clone of the
// repository (sources and tsx present) it runs the TypeScript sources in this very process: a resolve hook adds the
// workspace's "openxaa-source" export condition and tsx compiles on the fly, so no build is needed, a stale dist/ is
// never run and signals reach the server directly. An installed package runs its compiled dist/ instead.
// Plain JavaScript on purpose: it runs before anything can compile TypeScript. It lives in protocol, the one package
// every command's package depends on, and needs nothing but Node.
import { existsSync } from 'node:fs'
import { register } from 'node:module'

const SOURCE_CONDITION =
  'data:text/javascript,export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "openxaa-source"] }) }'

/**
 * Imports a command's entry module: `source` when it and tsx are present, else `dist`.
 * @param {URL} source the TypeScript entry, e.g. `new URL('../src/bin/openxaa-idp.ts', import.meta.url)`
 * @param {URL} dist the compiled entry, e.g. `new URL('../dist/bin/openxaa-idp.js', import.meta.url)`
 * @returns {Promise<Record<string, unknown>>} the entry's module namespace
 */
export async function launch(source, dist) {
  let tsx
  try {
    tsx = import.meta.resolve('tsx/esm/api')
  } catch {}
  if (tsx === undefined || !existsSync(source)) return import(dist.href)
  register(SOURCE_CONDITION)
  ;(await import(tsx)).register()
  return import(source.href)
}
