// architecture.md layering: the auth server uses protocol and store (and ops, console-ui) only, never another server;
// it runs no SQL of its own (store owns the schema); its public surface is a list of named exports.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import * as api from '../src/index.js'

const SRC = fileURLToPath(new URL('../src', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  )
}

test('imports only protocol, store, ops, console-ui, hono, jose and node built-ins', () => {
  const allowed = /^(?:node:|\.|@openxaa\/(?:protocol|store|ops|console-ui)$|hono(?:\/|$)|@hono\/node-server$|jose$)/
  for (const file of sources(SRC)) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
      expect(spec, `${file} imports ${spec}`).toMatch(allowed)
    }
  }
})

test('no SQL in the server: tables are reached through store repositories', () => {
  for (const file of sources(SRC)) {
    expect(readFileSync(file, 'utf8'), file).not.toMatch(/\.(?:selectFrom|insertInto|updateTable|deleteFrom)\(/)
  }
})

test('files stay small (under ~300 lines)', () => {
  for (const file of sources(SRC)) expect(readFileSync(file, 'utf8').split('\n').length, file).toBeLessThan(320)
})

test('the public surface', () => {
  for (const name of [
    'createAuthServer',
    'createRedemptionContext',
    'redeemIdJag',
    'authenticateClient',
    'createAdminService',
    'parseOptions',
  ]) {
    expect(typeof (api as Record<string, unknown>)[name], name).toBe('function')
  }
  expect(typeof api.ALLOW_LOOPBACK_CLIENT_METADATA).toBe('symbol')
  expect(typeof api.ALLOW_PRIVATE_NETWORK_CLIENT_METADATA).toBe('symbol')
  expect(api).not.toHaveProperty('createGuardedFetch')
  expect(readFileSync(join(SRC, 'index.ts'), 'utf8')).not.toMatch(/^export \*/m)
})
