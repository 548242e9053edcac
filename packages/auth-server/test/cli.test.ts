// `openxaa-as` driven as a child process: help and usage errors, an organization registered from the command line
// (audited with actor cli), then `serve` redeeming an ID-JAG from that organization's issuer over HTTP.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildBasicAuthorization, GRANT_TYPE_JWT_BEARER } from '@openxaa/protocol'
import { openStore } from '@openxaa/store'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { runCli } from '../src/cli/main.js'
import { KEK, tempDatabase } from './support/as.js'
import { startTestIdp, type TestIdp } from './support/idp.js'

const BIN = join(fileURLToPath(import.meta.url), '../../src/bin/openxaa-as.ts')
const RESOURCE = 'https://mcp.chat.example'
const db = tempDatabase()
// OPENXAA_DATA_DIR: `serve` writes its console cookie keys there (default ./data, which is the checkout here).
const env = { ...process.env, OPENXAA_DATABASE_URL: db.url, OPENXAA_KEY_ENCRYPTION_KEY: KEK, OPENXAA_DATA_DIR: db.dir }
let idp: TestIdp | undefined
let server: ChildProcess | undefined

/** Runs the CLI in this process (same code, no process start-up): for the commands not worth a child process. */
async function runHere(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')))
  const saved = {
    url: process.env.OPENXAA_DATABASE_URL,
    kek: process.env.OPENXAA_KEY_ENCRYPTION_KEY,
    dir: process.env.OPENXAA_DATA_DIR,
  }
  process.env.OPENXAA_DATABASE_URL = db.url
  process.env.OPENXAA_KEY_ENCRYPTION_KEY = KEK
  process.env.OPENXAA_DATA_DIR = db.dir
  try {
    const code = await runCli(args)
    return { code, stdout: out.join('\n'), stderr: err.join('\n') }
  } finally {
    log.mockRestore()
    error.mockRestore()
    process.env.OPENXAA_DATABASE_URL = saved.url
    process.env.OPENXAA_KEY_ENCRYPTION_KEY = saved.kek
    if (saved.url === undefined) delete process.env.OPENXAA_DATABASE_URL
    if (saved.kek === undefined) delete process.env.OPENXAA_KEY_ENCRYPTION_KEY
    if (saved.dir === undefined) delete process.env.OPENXAA_DATA_DIR
    else process.env.OPENXAA_DATA_DIR = saved.dir
  }
}

/** Runs the CLI as a child process, as a user would. */
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=openxaa-source', '--import', 'tsx', BIN, ...args],
      { env },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
      },
    )
  })
}

beforeAll(async () => {
  // The ID-JAG audience is the served issuer, known once `serve` runs: the IdP mints with an explicit aud.
  idp = await startTestIdp({ client_id: 'agent', resource: RESOURCE, scope: 'chat.read', tenant: 'acme' })
})
afterAll(async () => {
  server?.kill('SIGTERM')
  await idp?.close()
  db.dispose()
})

describe('openxaa-as', () => {
  test('--help everywhere, usage errors exit 2', async () => {
    const results = [...(await Promise.all([run(['--help']), run(['bogus'])]))]
    results.push(await runHere(['trust', '--help']), await runHere(['org', 'add']))
    expect(results[0]).toMatchObject({ code: 0 })
    expect(results[0]!.stdout).toContain('usage: openxaa-as <command>')
    expect(results[1]).toMatchObject({ code: 2 })
    expect(results[1]!.stderr).toContain('unknown command "bogus"')
    expect(results[2]!.stdout).toContain('openxaa-as trust add <org> --issuer URL')
    expect(results[3]).toMatchObject({ code: 2 })
  })

  test('serve --help lists the rate-limit settings; a bad one stops the start naming it', async () => {
    const help = await runHere(['serve', '--help'])
    for (const name of [
      'OPENXAA_RATE_LIMIT_PER_MINUTE',
      'OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE',
      'OPENXAA_REDIS_URL',
    ]) {
      expect(help.stdout).toContain(name)
    }
    process.env.OPENXAA_REDIS_URL = 'cache.internal:6379'
    try {
      const bad = await runHere(['serve', '--port', '0'])
      expect(bad.code).toBe(1)
      expect(bad.stderr).toContain('OPENXAA_REDIS_URL must be a redis:// or rediss:// URL')
    } finally {
      delete process.env.OPENXAA_REDIS_URL
    }
  })

  let secret = ''
  let apiKey = ''

  test('registers an organization, its issuer, a client and a resource; bad input exits 1', async () => {
    expect((await run(['org', 'add', 'acme', '--name', 'Acme Corp'])).code).toBe(0)
    expect(
      (await runHere(['resource', 'add', RESOURCE, '--scopes', 'chat.read,chat.write', '--name', 'Chat'])).code,
    ).toBe(0)
    const client = await run(['client', 'add', 'agent', '--org', 'acme'])
    expect(client.code).toBe(0)
    secret = /client_secret: (\S+)/.exec(client.stdout)![1]!
    const trust = await run([
      'trust',
      'add',
      'acme',
      '--issuer',
      idp!.issuer,
      '--tenant',
      'acme',
      '--clients',
      'agent',
      '--link',
      'jit',
    ])
    expect(trust.stdout).toContain('(disabled)')
    const trustId = /trust (tr_\w+) created/.exec(trust.stdout)![1]!
    const verify = await runHere(['trust', 'verify', trustId])
    const key = await run(['api-key', 'create', '--name', 'ops'])
    const bad = await runHere(['trust', 'add', 'acme', '--issuer', 'https://other.example', '--link', 'sometimes'])
    expect(verify.code).toBe(0)
    expect(JSON.parse(verify.stdout)).toMatchObject({ jwksUri: idp!.jwksUri, keys: 1 })
    apiKey = /^(oxas_\S+)$/m.exec(key.stdout)![1]!
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('linkingMode')
    expect((await run(['trust', 'enable', trustId])).code).toBe(0)
    const listed = await runHere(['trust', 'list', 'acme', '--json'])
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: trustId, enabled: true, jwksUri: idp!.jwksUri }])

    const store = await openStore({ url: db.url, keyEncryptionKey: KEK, dataDir: db.dir })
    try {
      const { events } = await store.audit.query({ action: 'admin.*', limit: 100 })
      expect(events.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          'admin.organization.create',
          'admin.trust.create',
          'admin.trust.enable',
          'admin.client.create',
        ]),
      )
      expect(events.every((e) => e.actor.type === 'cli')).toBe(true)
      expect(JSON.stringify(events)).not.toContain(secret)
      expect(JSON.stringify(events)).not.toContain(apiKey)
    } finally {
      await store.close()
    }
  })

  test('serve: the registered issuer’s ID-JAG is redeemed; keys rotate; the admin API takes the CLI key', async () => {
    server = spawn(process.execPath, ['--conditions=openxaa-source', '--import', 'tsx', BIN, 'serve', '--port', '0'], {
      env,
    })
    const issuer = await new Promise<string>((resolve, reject) => {
      let out = ''
      server!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const m = /issuer (\S+) listening/.exec(out)
        if (m) resolve(m[1]!)
      })
      server!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
    })
    const form = new URLSearchParams({ grant_type: GRANT_TYPE_JWT_BEARER, assertion: await idp!.mint({ aud: issuer }) })
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: buildBasicAuthorization('agent', secret),
      },
      body: form,
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', scope: 'chat.read' })

    const rotated = await runHere(['keys', 'rotate'])
    expect(rotated.code).toBe(0)
    expect(rotated.stdout).toMatch(/new signing key \S+ \(ES256\) is published and signs from \d{4}-/)
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] }
    expect(jwks.keys).toHaveLength(2)
    // Published at once, after the key that still signs.
    expect(jwks.keys[1]?.kid).toBe(/new signing key (\S+)/.exec(rotated.stdout)![1])
    for (const bad of [
      ['--activate-after', 'soon'],
      ['--retire-after', '2592001'],
    ]) {
      const refused = await runHere(['keys', 'rotate', ...bad])
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(/must be whole seconds from 0 to 2592000/)
    }
    const emergency = await runHere(['keys', 'rotate', '--activate-after', '0', '--retire-after', '0', '--json'])
    expect(emergency.code).toBe(0)
    const emergencyKid = JSON.parse(emergency.stdout).kid
    const after = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] }
    expect(after.keys.map((k) => k.kid)).toEqual([emergencyKid])

    const admin = await fetch(`${issuer}/admin/api/organizations`, { headers: { authorization: `Bearer ${apiKey}` } })
    expect(admin.status).toBe(200)
  })
})
