// The default token store: a JSON file only the user can read, written atomically; and the in-memory store.

import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  defaultConfigDir,
  defaultTokenStorePath,
  emptyTokenStoreData,
  FileTokenStore,
  MemoryTokenStore,
  type TokenStoreData,
} from '../src/index.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openxaa-store-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const sample = (): TokenStoreData => ({
  ...emptyTokenStoreData(),
  session: {
    issuer: 'https://idp.example',
    clientId: 'agent',
    idToken: 'header.payload.signature',
    idTokenExpiresAt: 1,
    subject: 'u1',
    signedInAt: 0,
  },
})

describe('FileTokenStore', () => {
  test('creates the directory 0700 and the file 0600, and reads back what it wrote', async () => {
    const path = join(dir, 'nested', 'openxaa', 'tokens.json')
    const store = new FileTokenStore(path)
    expect(await store.read()).toBeUndefined()
    await store.write(sample())
    expect((await stat(join(dir, 'nested', 'openxaa'))).mode & 0o777).toBe(0o700)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await store.read()).toEqual(sample())
  })

  test('writes atomically: a temporary file renamed over the old one, none left behind', async () => {
    const path = join(dir, 'tokens.json')
    const store = new FileTokenStore(path)
    await store.write(sample())
    const next = { ...sample(), bindings: { 'https://mcp.example/mcp': { resource: 'r', issuer: 'i' } } }
    await Promise.all([store.write(next), store.write(next), store.write(next)])
    expect(await readdir(dir)).toEqual(['tokens.json'])
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(next)
  })

  test('a file others can read is tightened to 0600 before it is used', async () => {
    const path = join(dir, 'tokens.json')
    await writeFile(path, JSON.stringify(sample()))
    await chmod(path, 0o644)
    await new FileTokenStore(path).read()
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  test('a corrupt or foreign file reads as no data; clear removes it', async () => {
    const path = join(dir, 'tokens.json')
    await writeFile(path, '{not json', { mode: 0o600 })
    const store = new FileTokenStore(path)
    expect(await store.read()).toBeUndefined()
    await writeFile(path, '{"version":2}', { mode: 0o600 })
    expect(await store.read()).toBeUndefined()
    await store.clear()
    expect(await readdir(dir)).toEqual([])
  })
})

test('MemoryTokenStore copies in and out', async () => {
  const store = new MemoryTokenStore()
  const data = sample()
  await store.write(data)
  data.session!.subject = 'changed'
  expect((await store.read())?.session?.subject).toBe('u1')
})

test('the configuration directory: OPENXAA_HOME, then XDG_CONFIG_HOME, then ~/.config', () => {
  expect(defaultConfigDir({ OPENXAA_HOME: '/x/home' })).toBe('/x/home')
  expect(defaultConfigDir({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/openxaa')
  expect(defaultTokenStorePath({ OPENXAA_HOME: '/x' })).toBe('/x/tokens.json')
})
