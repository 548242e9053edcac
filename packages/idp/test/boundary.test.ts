import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import * as api from '../src/index.js'

const SRC = join(import.meta.dirname, '../src')

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  )
}

test('architecture: the IdP imports no other server, and store internals only through @openxaa/store', () => {
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8')
    expect(text, file).not.toMatch(/from '@openxaa\/(auth-server|resource-server|client)'/)
    expect(text, file).not.toMatch(/from '[./]*\/(store|protocol)\/src/)
  }
})

test('the public surface is a list of named re-exports', () => {
  const index = readFileSync(join(SRC, 'index.ts'), 'utf8')
  expect(index).not.toMatch(/^export \*/m)
  expect(Object.keys(api).sort()).toEqual(
    [
      'AdminError',
      'consoleLogger',
      'createIdp',
      'generateApiKey',
      'generateClientSecret',
      'hashPassword',
      'hashSecret',
      'operations',
      'parseOptions',
      'toAdminError',
      'verifyPassword',
      'verifySecret',
    ].sort(),
  )
})

test('options are checked once, with a TypeError naming the option, and frozen', () => {
  const good = { issuer: 'https://idp.acme.example', tenant: 'acme', cookieKeys: ['k'.repeat(32)] }
  const resolved = api.parseOptions(good)
  expect(Object.isFrozen(resolved)).toBe(true)
  expect(resolved).toMatchObject({ idJagLifetime: 300, mountPath: '', passwordHashCost: 17 })
  expect(api.parseOptions({ ...good, issuer: 'https://idp.acme.example/tenants/acme' }).mountPath).toBe('/tenants/acme')
  const bad: [Partial<typeof good> & Record<string, unknown>, RegExp][] = [
    [{ issuer: 'https://idp.acme.example/' }, /options\.issuer .*trailing|end with/],
    [{ issuer: 'http://idp.acme.example' }, /options\.issuer must use https/],
    [{ tenant: '' }, /options\.tenant/],
    [{ cookieKeys: ['short'] }, /options\.cookieKeys/],
    [{ idJagLifetime: 901 }, /options\.idJagLifetime/],
    [{ passwordHashCost: 8 }, /options\.passwordHashCost/],
  ]
  for (const [change, message] of bad) {
    expect(() => api.parseOptions({ ...good, ...change } as never)).toThrow(message)
  }
  expect(api.parseOptions({ ...good, issuer: 'http://127.0.0.1:3000' }).issuer).toBe('http://127.0.0.1:3000')
})

test('passwords: scrypt hashes verify, carry their cost, and never equal the password', async () => {
  const hash = await api.hashPassword('pw', 12)
  expect(hash).toMatch(/^scrypt\$12\$8\$1\$/)
  expect(await api.verifyPassword('pw', hash)).toBe(true)
  expect(await api.verifyPassword('PW', hash)).toBe(false)
  expect(await api.verifyPassword('pw', 'scrypt$99$8$1$x$y')).toBe(false)
  expect(api.verifySecret('s', api.hashSecret('s'))).toBe(true)
  expect(api.verifySecret('s', api.hashSecret('t'))).toBe(false)
})
