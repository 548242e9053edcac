// `npm start` with OPENXAA_DATABASE_URL=postgres://…: the three roles in one PostgreSQL database, a schema each.
// Seeded once, found again on the next start (no second seed), a token issued across the real servers, and --reset
// dropping the schemas. Runs on the real PostgreSQL server when it is reachable (as the store tests decide).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createXaaClient, MemoryTokenStore } from '@openxaa/client'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { realPostgresUrl } from '../../../packages/store/test/backends.js'
import {
  CLI_CLIENT,
  resetDemoData,
  type StartDemoOptions,
  schemaOf,
  startDemo,
  userNamed,
  VENDORS,
} from '../src/index.js'
import { signInAtBrowser } from './support/browser.js'

const url = await realPostgresUrl()

describe.skipIf(url === undefined)('the demo on PostgreSQL, one schema per role', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'openxaa-demo-pg-'))
  const options: StartDemoOptions = {
    ports: { idp: 0, notesAs: 0, notesMcp: 0, tasksAs: 0, tasksMcp: 0 },
    dataDir,
    databaseUrl: url,
    schemaPrefix: `demo_test_${process.pid}_${Date.now() % 100_000}`,
    reset: false,
  }
  const schemas = async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query<{ nspname: string }>(
        'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 ORDER BY nspname',
        [`${options.schemaPrefix}_%`],
      )
      return rows.map((r) => r.nspname)
    } finally {
      await client.end()
    }
  }
  let ports: StartDemoOptions['ports']

  beforeAll(async () => {
    const demo = await startDemo(options, { passwordHashCost: 12 })
    ports = demo.ports
    expect(demo.seeded).toBe(true)
    await demo.close()
  })
  afterAll(async () => {
    await resetDemoData(options)
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('each role has its own schema, and a second start finds the seeded demo', async () => {
    expect(await schemas()).toEqual(
      ['idp', 'notes_as', 'tasks_as'].map((r) => schemaOf(options.schemaPrefix, r as 'idp')),
    )
    // Same ports: the issuers and resources were seeded with them.
    const demo = await startDemo({ ...options, ports }, { passwordHashCost: 12 })
    try {
      expect(demo.seeded).toBe(false)
      const notes = VENDORS.find((v) => v.key === 'notes')!
      const alice = userNamed('alice')
      const xaa = createXaaClient(
        {
          idp: {
            issuer: demo.urls.idp,
            clientId: CLI_CLIENT,
            auth: { clientSecret: demo.state.secrets.idp[CLI_CLIENT]! },
          },
          authorizationServers: {
            [demo.urls.notesAs]: {
              clientId: notes.clientIds[CLI_CLIENT]!,
              clientSecret: demo.state.secrets.vendors.notes[CLI_CLIENT]!,
            },
          },
        },
        { store: new MemoryTokenStore(), openBrowser: (u) => signInAtBrowser(u, alice.username, alice.password) },
      )
      await xaa.signIn()
      const token = await xaa.getAccessToken(demo.urls.notesMcp)
      expect(token).toMatchObject({ issuer: demo.urls.notesAs, resource: demo.urls.notesMcp })
      const page = await demo.stores.notes_as.audit.query({ action: 'id_jag.redeem', decision: 'allow' })
      expect(page.events).toHaveLength(1)
    } finally {
      await demo.close()
    }
  })

  test('--reset drops the schemas', async () => {
    await resetDemoData(options)
    expect(await schemas()).toEqual([])
  })
})
