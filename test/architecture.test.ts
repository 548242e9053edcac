import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative } from 'node:path'
import { expect, test } from 'vitest'

// Checks the layering of shared/architecture.md on every import of every package's sources:
// protocol <- store <- servers; nothing imports upward, no server imports another, no deep imports. Beside them, used
// by servers and importing none: ops (operational HTTP pieces) and console-ui (what the two consoles share).
const root = join(import.meta.dirname, '..')
const SERVERS = ['@openxaa/idp', '@openxaa/auth-server', '@openxaa/resource-server', '@openxaa/client']

/** What each package's src/ may import besides node builtins and its own files. */
const ALLOWED: Record<string, (specifier: string) => boolean> = {
  protocol: (s) => s === 'jose',
  store: (s) => ['@openxaa/protocol', 'kysely', 'better-sqlite3', 'pg', '@electric-sql/pglite'].includes(s),
  // Operational HTTP pieces shared by the servers: below them, above nothing of ours.
  ops: (s) => s === 'hono' || s === 'ioredis',
  // What the IdP and resource AS consoles share: likewise below the servers, above nothing of ours.
  'console-ui': (s) => s === 'hono',
}
const serverRule = (self: string) => (s: string) => !SERVERS.includes(s) || s === self

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const patterns = [
    /(?:^|\n)\s*(?:import|export)[^'"]*?\sfrom\s+['"]([^'"]+)['"]/g, // import x from 'y', export { x } from 'y'
    /(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g, // import 'y' (side effects)
    /import\(\s*['"]([^'"]+)['"]\s*\)/g, // import('y')
  ]
  return patterns
    .flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] ?? ''))
    .filter((s) => s !== '' && !s.startsWith('.'))
}

const packageName = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] ?? s))
const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s)

const packages = readdirSync(join(root, 'packages')).filter((p) =>
  statSync(join(root, 'packages', p, 'src')).isDirectory(),
)

test.each(packages)('packages/%s/src imports only what its layer allows', (pkg) => {
  const allowed = ALLOWED[pkg] ?? serverRule(`@openxaa/${pkg}`)
  const violations: string[] = []
  for (const file of sources(join(root, 'packages', pkg, 'src'))) {
    for (const specifier of importsOf(file)) {
      if (isBuiltin(specifier)) continue
      const name = packageName(specifier)
      const deep = name.startsWith('@openxaa/') && specifier !== name
      if (deep || !allowed(name)) violations.push(`${relative(root, file)} imports ${specifier}`)
    }
  }
  expect(violations).toEqual([])
})

test('console-ui is used by the two consoles only', () => {
  const users = packages.filter((pkg) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'))
    return Object.hasOwn(manifest.dependencies ?? {}, '@openxaa/console-ui')
  })
  expect(users.sort()).toEqual(['auth-server', 'idp'])
})

test('protocol depends on jose alone', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages/protocol/package.json'), 'utf8'))
  expect(Object.keys(manifest.dependencies ?? {})).toEqual(['jose'])
})
