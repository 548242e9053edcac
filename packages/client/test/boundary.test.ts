// The package boundary: the core never imports an MCP SDK (they are optional peer dependencies, each reached only
// through its own subpath module), and the public surface is the documented list of named exports.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { expect, test } from 'vitest'
import * as api from '../src/index.js'

const root = join(import.meta.dirname, '..')
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : []
  })

test('only src/mcp-v2 imports @modelcontextprotocol/client and only src/mcp-v1 imports @modelcontextprotocol/sdk', () => {
  const offenders: string[] = []
  for (const file of files(join(root, 'src'))) {
    const rel = relative(join(root, 'src'), file)
    const text = readFileSync(file, 'utf8')
    for (const [sdk, home] of [
      ['@modelcontextprotocol/client', 'mcp-v2/'],
      ['@modelcontextprotocol/sdk', 'mcp-v1/'],
      ['@modelcontextprotocol/server', '-'],
    ] as const) {
      if (text.includes(`'${sdk}`) && !rel.startsWith(home)) offenders.push(`${rel} imports ${sdk}`)
    }
  }
  expect(offenders).toEqual([])
})

test('package.json: subpath exports with the same conditions as ".", SDKs as optional peer dependencies', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  for (const path of ['.', './mcp-v2', './mcp-v1']) {
    expect(Object.keys(manifest.exports[path])).toEqual(['openxaa-source', 'types', 'default'])
  }
  expect(manifest.peerDependenciesMeta).toEqual({
    '@modelcontextprotocol/client': { optional: true },
    '@modelcontextprotocol/sdk': { optional: true },
  })
  expect(Object.keys(manifest.dependencies).sort()).toEqual(['@openxaa/protocol', 'jose'])
})

test('the public API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'ASSUME_ID_JAG_PROFILE',
    'FileTokenStore',
    'MemoryTokenStore',
    'SignInRequiredError',
    'XAA_ERROR_CODES',
    'XaaError',
    'createXaaClient',
    'createXaaFetch',
    'defaultConfigDir',
    'defaultTokenStorePath',
    'emptyTokenStoreData',
    'inspectJwt',
    'isXaaError',
    'openSystemBrowser',
    'readChallenge',
  ])
})
