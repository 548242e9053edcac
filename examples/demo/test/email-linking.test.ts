// Where the real IdP and the real resource AS meet on account linking: the AS links a new subject to an existing
// account only by a verified email (2(d) step 10), and the IdP marks the email it sends as verified. Checked across
// the demo's real servers: a vendor that already knows bob by email gets bob's first ID-JAG linked to that account,
// and alice's account, created on first sight, carries her email.
import { Client } from '@modelcontextprotocol/client'
import { createXaaClient, MemoryTokenStore, type XaaClient } from '@openxaa/client'
import { createXaaTransport } from '@openxaa/client/mcp-v2'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ACME, CLI_CLIENT, type Demo, userNamed, VENDORS } from '../src/index.js'
import { signInAtBrowser } from './support/browser.js'
import { startTestDemo, TestClock } from './support/world.js'

describe('account linking by verified email, real IdP to real resource AS', () => {
  let demo: Demo
  const clock = new TestClock()
  beforeAll(async () => {
    demo = await startTestDemo(clock)
  })
  afterAll(() => demo?.close())

  function clientFor(username: string): XaaClient {
    const user = userNamed(username)
    const { urls, secrets } = demo.state
    const notes = VENDORS.find((v) => v.key === 'notes')!
    return createXaaClient(
      {
        idp: { issuer: urls.idp, clientId: CLI_CLIENT, auth: { clientSecret: secrets.idp[CLI_CLIENT]! } },
        authorizationServers: {
          [urls.notesAs]: { clientId: notes.clientIds[CLI_CLIENT]!, clientSecret: secrets.vendors.notes[CLI_CLIENT]! },
        },
      },
      {
        clock: clock.now,
        store: new MemoryTokenStore(),
        openBrowser: (url) => signInAtBrowser(url, user.username, user.password),
      },
    )
  }

  async function createNote(xaa: XaaClient): Promise<void> {
    const mcp = new Client({ name: 'linking', version: '1.0.0' })
    await mcp.connect(createXaaTransport(xaa, demo.urls.notesMcp))
    try {
      const result = await mcp.callTool({ name: 'notes.create', arguments: { title: 'hello', body: '' } })
      expect(result.isError).toBeFalsy()
    } finally {
      await mcp.close()
    }
  }

  const linkOf = async (username: string) => {
    const user = await demo.stores.idp.idp.users.findByUsername(username)
    return demo.stores.notes_as.authServer.accounts.findByLink({
      organizationId: ACME.organization,
      issuer: demo.urls.idp,
      tenant: ACME.tenant,
      subject: user!.id,
    })
  }

  test('an account the vendor already had for the email is linked on the first ID-JAG', async () => {
    const accounts = demo.stores.notes_as.authServer.accounts
    const existing = await accounts.create({ organizationId: ACME.organization, email: 'bob@acme.example' })
    const bob = clientFor('bob')
    await bob.signIn()
    await createNote(bob)
    expect((await linkOf('bob'))?.id).toBe(existing.id)
    const redeemed = await demo.stores.notes_as.audit.query({ action: 'id_jag.redeem', decision: 'allow', limit: 10 })
    expect(redeemed.events).toHaveLength(1)
  })

  test('an account created on first sight records the verified email', async () => {
    const alice = clientFor('alice')
    await alice.signIn()
    await createNote(alice)
    expect(await linkOf('alice')).toMatchObject({ email: 'alice@acme.example' })
  })
})
