// The demo's settings and its refusals to start: each says what is wrong and what to do.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import {
  bindPort,
  type DemoPorts,
  DemoStartError,
  parseSettings,
  portsFrom,
  startDemo,
  UsageError,
} from '../src/index.js'

describe('settings', () => {
  test('defaults: the IdP on 4000, Notes on 4100/4101, Tasks on 4200/4201, data in ./data/demo, SQLite', () => {
    const s = parseSettings([], {}, '/repo')
    expect(s).toMatchObject({
      host: '127.0.0.1',
      ports: { idp: 4000, notesAs: 4100, notesMcp: 4101, tasksAs: 4200, tasksMcp: 4201 },
      dataDir: '/repo/data/demo',
      databaseUrl: undefined,
      schemaPrefix: 'openxaa_demo',
      reset: false,
      help: false,
    })
  })

  test('flags win over the environment, which wins over the defaults', () => {
    const env = { OPENXAA_DEMO_PORT_BASE: '6000', OPENXAA_DEMO_TASKS_MCP_PORT: '6999', OPENXAA_DEMO_DATA_DIR: 'x' }
    const s = parseSettings(['--port-base', '5000', '--reset', '--data-dir', '/abs'], env, '/repo')
    expect(s.ports).toEqual({ ...portsFrom(5000), tasksMcp: 6999 })
    expect(s).toMatchObject({ dataDir: '/abs', reset: true })
    expect(parseSettings([], env, '/repo').dataDir).toBe('/repo/x')
    const pg = parseSettings([], { OPENXAA_DATABASE_URL: 'postgres://app@db/openxaa' }, '/repo')
    expect(pg.databaseUrl).toBe('postgres://app@db/openxaa')
  })

  const mistakes: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown flag', ['--nope'], {}, /nope/],
    ['a port that is not a number', ['--port-base', 'abc'], {}, /--port-base must be a port number/],
    ['ports past 65535', ['--port-base', '65400'], {}, /room for base\+201/],
    ['two servers on one port', [], { OPENXAA_DEMO_NOTES_AS_PORT: '4000' }, /must all differ/],
    ['a SQLite URL (one file cannot hold three roles)', [], { OPENXAA_DATABASE_URL: 'sqlite:x.db' }, /postgres:\/\//],
    ['a schema prefix that is not an identifier', [], { OPENXAA_DEMO_SCHEMA_PREFIX: 'a;drop' }, /SCHEMA_PREFIX/],
  ]
  test.each(mistakes)('refuses %s', (_name, argv, env, message) => {
    const err = (() => {
      try {
        parseSettings(argv, env, '/repo')
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(UsageError)
    expect((err as Error).message).toMatch(message)
  })
})

describe('refusals to start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'openxaa-demo-settings-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
  const zero: DemoPorts = { idp: 0, notesAs: 0, notesMcp: 0, tasksAs: 0, tasksMcp: 0 }
  const options = { dataDir, databaseUrl: undefined, schemaPrefix: 'unused', reset: false }

  test('a port in use: the message names the port, the server, and how to move the demo; nothing stays bound', async () => {
    const busy = await bindPort('something else', '127.0.0.1', 0)
    const free = await bindPort('probe', '127.0.0.1', 0)
    await free.close()
    try {
      const err = await startDemo({ ...options, ports: { ...zero, idp: free.port, tasksMcp: busy.port } }).catch(
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(DemoStartError)
      expect((err as Error).message).toBe(
        `port ${busy.port} on 127.0.0.1 is already in use, and the demo needs it for the Tasks MCP server. ` +
          'Stop what uses it, or move the demo: npm start -- --port-base 5000 (see npm start -- --help)',
      )
      // The IdP's port, bound before the failure, was released.
      const again = await bindPort('probe', '127.0.0.1', free.port)
      await again.close()
    } finally {
      await busy.close()
    }
  })

  test('an unreachable PostgreSQL is named without its password', async () => {
    const url = 'postgres://demo:s3cret-password@127.0.0.1:1/openxaa'
    const err = await startDemo({ ...options, ports: zero, databaseUrl: url }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DemoStartError)
    expect((err as Error).message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:1\/openxaa: /)
    expect((err as Error).message).not.toContain('s3cret')
  })

  test('a demo seeded for other ports says so and offers --reset', async () => {
    const demo = await startDemo({ ...options, ports: zero }, { passwordHashCost: 12 })
    await demo.close()
    const err = await startDemo({ ...options, ports: zero }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DemoStartError)
    expect((err as Error).message).toMatch(/was set up for other addresses \(idp: http:\/\/127\.0\.0\.1:\d+ → /)
    expect((err as Error).message).toMatch(/npm start -- --reset$/)
  })
})
