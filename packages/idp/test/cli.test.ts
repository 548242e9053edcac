import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { openStore } from '@openxaa/store'
import { afterAll, describe, expect, test } from 'vitest'
import { runCli } from '../src/cli/main.js'

const dir = mkdtempSync(join(tmpdir(), 'openxaa-idp-cli-'))
const env = {
  OPENXAA_DATABASE_URL: `sqlite:${join(dir, 'idp.db')}`,
  OPENXAA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
  OPENXAA_DATA_DIR: dir,
  OPENXAA_PASSWORD_HASH_COST: '12',
  USER: 'ops',
}

async function cli(argv: string[], stdin = '', extraEnv: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  let stop: (() => Promise<void>) | undefined
  const code = await runCli(
    argv,
    {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readStdin: async () => stdin,
      env: { ...env, ...extraEnv },
      openStore: (url) => openStore({ url: url ?? env.OPENXAA_DATABASE_URL, env }),
    },
    (s) => {
      stop = s
    },
  )
  return { code, out: out.join('\n'), err: err.join('\n'), stop }
}

describe('openxaa-idp command line', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('serve --help lists the rate-limit settings; a bad one stops the start naming it', async () => {
    const help = await cli(['serve', '--help'])
    for (const name of [
      'OPENXAA_RATE_LIMIT_PER_MINUTE',
      'OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE',
      'OPENXAA_REDIS_URL',
    ]) {
      expect(help.out).toContain(name)
    }
    const bad = await cli(['serve', '--port', '0'], '', { OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE: 'many' })
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('OPENXAA_RATE_LIMIT_PER_CLIENT_PER_MINUTE must be a whole number')
    await bad.stop?.()
  })

  test('configures a deployment on the store, audited as the cli', async () => {
    expect(
      await cli(['user', 'add', 'alice', '--email', 'alice@acme.example', '--admin', '--password-stdin'], 'pw-1\n'),
    ).toMatchObject({ code: 0 })
    expect((await cli(['group', 'add', 'engineering'])).code).toBe(0)
    expect((await cli(['member', 'add', 'engineering', 'alice'])).code).toBe(0)
    const client = await cli([
      'client',
      'add',
      'agent',
      '--name',
      'Agent',
      '--redirect-uri',
      'http://127.0.0.1:8080/cb',
      '--first-party',
    ])
    expect(client.out).toMatch(/client secret \(shown once, store it now\): [A-Za-z0-9_-]{43}/)
    expect((await cli(['app', 'add', 'Chat', '--issuer', 'https://as.chat.example', '--alias', 'urn:chat'])).code).toBe(
      0,
    )
    expect(
      (
        await cli([
          'resource',
          'add',
          'urn:chat',
          'https://mcp.chat.example',
          '--scope',
          'chat.read',
          '--scope',
          'chat.write',
        ])
      ).code,
    ).toBe(0)
    expect((await cli(['app', 'client-id', 'set', 'urn:chat', 'agent', 'f53f191f'])).out).toContain('f53f191f')
    const conn = await cli([
      'connection',
      'add',
      '--client',
      'agent',
      '--app',
      'https://as.chat.example',
      '--resource',
      'https://mcp.chat.example',
      '--group',
      'engineering',
      '--scope',
      'chat.read',
      '--consent-by',
      'alice',
    ])
    expect(conn.code).toBe(0)
    const id = /connection (\S+) created/.exec(conn.out)![1]!
    expect((await cli(['connection', 'disable', id])).code).toBe(0)
    expect((await cli(['connection', 'list'])).out).toContain('disabled')
    expect((await cli(['block', 'add', 'user', 'alice', '--until', '2099-01-01T00:00:00Z'])).code).toBe(0)
    // No key yet: the first one signs at once (there is no key to hand over from).
    expect((await cli(['keys', 'rotate'])).out).toMatch(/new signing key \S+ \(ES256\) signs now/)
    const rotated = await cli(['keys', 'rotate'])
    expect(rotated.out).toMatch(/new signing key \S+ \(ES256\) is published and signs from \S+ \(in 60 s\)/)
    const kid = /new signing key (\S+)/.exec(rotated.out)![1]!
    const keys = await openStore({ url: env.OPENXAA_DATABASE_URL, env })
    expect(await keys.keys.list('idp')).toMatchObject([{ kid, status: 'next' }, { status: 'current' }])
    // The emergency rotation: the new key signs at once and the earlier keys leave the JWKS at once.
    const emergency = await cli(['keys', 'rotate', '--activate-after', '0', '--retire-after', '0'])
    expect(emergency.out).toMatch(/new signing key \S+ \(ES256\) signs now/)
    const emergencyKid = /new signing key (\S+)/.exec(emergency.out)![1]!
    expect((await keys.keys.publicJwks('idp')).keys.map((k) => k.kid)).toEqual([emergencyKid])
    await keys.close()
    expect((await cli(['user', 'disable', 'alice'])).code).toBe(0)
    expect((await cli(['user', 'list'])).out).toMatch(/alice\s+disabled/)

    const audit = await cli(['audit', 'list', '--decision', 'change', '--json', '--limit', '100'])
    const events = JSON.parse(audit.out).events as { action: string; actor: { type: string; id: string } }[]
    expect(events.every((e) => e.actor.type === 'cli' && e.actor.id === 'ops')).toBe(true)
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'admin.user.create',
        'admin.client.create',
        'admin.connection.disable',
        'admin.block.create',
        'admin.keys.rotate',
        'admin.user.disable',
      ]),
    )
    expect(audit.out).not.toContain('pw-1')
  })

  test('day two from scripts: blocks, API keys, members, clients and keys listed and undone, each audited', async () => {
    const block = await cli(['block', 'add', 'client', 'agent', '--reason', 'incident 4711'])
    const blockId = /block (\S+) on client agent/.exec(block.out)![1]!
    expect((await cli(['block', 'list', '--active'])).out).toMatch(
      new RegExp(`${blockId}  client agent  \\(incident 4711\\)`),
    )
    expect((await cli(['block', 'remove', blockId])).out).toBe(`block ${blockId} lifted`)
    expect((await cli(['block', 'list'])).out).not.toContain(blockId)
    expect(await cli(['block', 'remove', blockId])).toMatchObject({ code: 1 })

    const added = await cli(['api-key', 'add', 'automation'])
    const keyId = /API key (\S+) created/.exec(added.out)![1]!
    const key = /oxa_\S+/.exec(added.out)![0]
    expect((await cli(['api-key', 'list'])).out).toMatch(new RegExp(`${keyId}  automation  active`))
    expect((await cli(['api-key', 'revoke', keyId])).code).toBe(0)
    const listed = await cli(['api-key', 'list', '--json'])
    expect(JSON.parse(listed.out).apiKeys.find((k: { id: string }) => k.id === keyId).revokedAt).toBeTypeOf('number')
    expect(listed.out).not.toContain(key)

    expect((await cli(['member', 'remove', 'engineering', 'alice'])).out).toBe(
      'alice is no longer a member of engineering',
    )
    expect(await cli(['member', 'remove', 'engineering', 'alice'])).toMatchObject({ code: 1 })

    expect((await cli(['client', 'disable', 'agent'])).code).toBe(0)
    expect((await cli(['client', 'list'])).out).toMatch(/^agent {2}Agent {2}client_secret_basic {2}disabled$/m)
    expect((await cli(['client', 'enable', 'agent'])).code).toBe(0)
    const rotated = await cli(['client', 'secret', 'rotate', 'agent'])
    expect(rotated.out).toMatch(/client secret \(shown once, store it now\): [A-Za-z0-9_-]{43}/)

    expect((await cli(['keys', 'rotate'])).code).toBe(0)
    const keys = JSON.parse((await cli(['keys', 'list', '--json'])).out).keys as { status: string }[]
    // The new key is published ahead of its activation; the emergency rotation above retired the keys before it.
    expect(keys.map((k) => k.status)).toEqual(['next', 'current', 'retired', 'retired'])
    const keyLines = (await cli(['keys', 'list'])).out
    expect(keyLines).toMatch(/ES256 {2}next {2}from \d{4}-/)
    expect(keyLines).toMatch(/ES256 {2}current {2}until \d{4}-/)

    const audit = await cli(['audit', 'list', '--decision', 'change', '--json', '--limit', '100'])
    expect(JSON.parse(audit.out).events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'admin.block.delete',
        'admin.api_key.revoke',
        'admin.membership.remove',
        'admin.client.disable',
        'admin.client.rotate_secret',
      ]),
    )
    expect(audit.out).not.toContain(key)
  })

  test('groups, applications and connections listed, changed and removed from scripts, each audited', async () => {
    expect((await cli(['group', 'add', 'support'])).code).toBe(0)
    expect((await cli(['member', 'add', 'support', 'alice'])).code).toBe(0)
    const groups = JSON.parse((await cli(['group', 'list', '--json'])).out) as { name: string; members: string[] }[]
    expect(groups.find((g) => g.name === 'support')?.members).toEqual(['alice'])
    expect((await cli(['group', 'list'])).out).toMatch(/ {2}support {2}members: alice$/m)

    const apps = await cli(['app', 'list'])
    expect(apps.out).toMatch(/ {2}Chat {2}https:\/\/as\.chat\.example {2}aliases urn:chat$/m)
    expect(apps.out).toContain('  resource https://mcp.chat.example  scopes chat.read chat.write')
    expect(apps.out).toContain('  client agent is f53f191f there')
    expect(JSON.parse((await cli(['app', 'list', '--json'])).out)[0].clientIds).toEqual([
      { clientId: 'agent', rasClientId: 'f53f191f' },
    ])

    const [connection] = JSON.parse((await cli(['connection', 'list', '--json'])).out) as { id: string }[]
    const id = connection!.id
    const updated = await cli([
      'connection',
      'update',
      id,
      '--group',
      'support',
      '--scope',
      'chat.read',
      '--scope',
      'chat.write',
      '--max-auth-age',
      '3600',
    ])
    expect(updated.out).toMatch(/groups \S+; scopes chat\.read chat\.write; max auth age 3600 s$/)
    const support = groups.find((g) => g.name === 'support') as unknown as { id: string }
    expect(updated.out).toContain(`groups ${support.id};`)
    // A scope the resource does not offer is refused, and nothing changes.
    expect(await cli(['connection', 'update', id, '--scope', 'chat.admin'])).toMatchObject({ code: 1 })
    expect((await cli(['connection', 'update', id, '--max-auth-age', 'none'])).out).toMatch(/max auth age any$/)
    expect(await cli(['connection', 'update', id])).toMatchObject({ code: 2 })
    expect(await cli(['connection', 'update', id, '--max-auth-age', 'soon'])).toMatchObject({ code: 2 })

    expect((await cli(['connection', 'remove', id])).out).toBe(`connection ${id} deleted`)
    expect((await cli(['connection', 'list'])).out).not.toContain(id)
    expect((await cli(['group', 'remove', 'support'])).out).toBe('group support deleted')
    expect((await cli(['group', 'list'])).out).not.toContain('support')
    expect(await cli(['group', 'remove', 'support'])).toMatchObject({ code: 1 })

    const audit = await cli(['audit', 'list', '--decision', 'change', '--json', '--limit', '200'])
    expect(JSON.parse(audit.out).events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['admin.connection.update', 'admin.connection.delete', 'admin.group.delete']),
    )
  })

  test('usage mistakes exit 2 with the command help; refusals exit 1 without secrets', async () => {
    expect(await cli(['user', 'frob'])).toMatchObject({ code: 2 })
    const missing = await cli(['app', 'add', 'X'])
    expect(missing.code).toBe(2)
    expect(missing.err).toContain('--issuer is required')
    const dup = await cli(['group', 'add', 'engineering'])
    expect(dup).toMatchObject({ code: 1 })
    expect(dup.err).toContain('already exists')
    expect((await cli(['connection', 'add', '--help'])).out).toContain('usage: openxaa-idp connection add')
    for (const bad of [
      ['--activate-after', 'soon'],
      ['--activate-after', '1.5'],
      ['--retire-after', '2592001'],
    ]) {
      const refused = await cli(['keys', 'rotate', ...bad])
      expect(refused.code).toBe(2)
      expect(refused.err).toMatch(/--(activate|retire)-after must be whole seconds from 0 to 2592000/)
    }
    expect((await cli(['keys', 'rotate', '--help'])).out).toContain('--activate-after')
  })

  test('serve starts the IdP on the configured port and issuer', async () => {
    const run = await cli(['serve', '--port', '0', '--issuer', 'http://127.0.0.1:9999', '--tenant', 'acme'])
    expect(run.code).toBe(0)
    expect(run.out).toContain('issuer http://127.0.0.1:9999')
    await run.stop?.()
  })

  test('the bin runs from a fresh clone with node --conditions=openxaa-source --import tsx', async () => {
    const root = resolve(import.meta.dirname, '../../..')
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=openxaa-source', '--import', 'tsx', 'packages/idp/src/bin/openxaa-idp.ts', '--help'],
      { cwd: root, env: { ...process.env, ...env } },
    )
    expect(stdout).toContain('usage: openxaa-idp <command>')
    expect(stdout).toContain('connection add')
  })
})
