// Issue 7's "refreshes the ID token through the IdP refresh token when it has expired", against the real IdP
// (oidc-provider) rather than the client's test IdP: the refreshed ID token must pass the SDK's OIDC checks, and the
// exchange that follows must use it. No second sign-in.
import { createXaaClient, MemoryTokenStore, type XaaClient } from '@openxaa/client'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { CLI_CLIENT, userNamed, VENDORS } from '../src/index.js'
import { signInAtBrowser } from './support/browser.js'
import { startTestDemo, TestClock } from './support/world.js'

const notes = VENDORS.find((v) => v.key === 'notes')!
const alice = userNamed('alice')
let demo: Awaited<ReturnType<typeof startTestDemo>>
let store: MemoryTokenStore
let xaa: XaaClient
let signIns = 0
/** The form bodies the SDK posted to the IdP's token endpoint, in order. */
const posted: URLSearchParams[] = []

beforeAll(async () => {
  demo = await startTestDemo(new TestClock())
  const { urls, secrets } = demo.state
  store = new MemoryTokenStore()
  xaa = createXaaClient(
    {
      idp: { issuer: urls.idp, clientId: CLI_CLIENT, auth: { clientSecret: secrets.idp[CLI_CLIENT]! } },
      authorizationServers: {
        [urls.notesAs]: { clientId: notes.clientIds[CLI_CLIENT]!, clientSecret: secrets.vendors.notes[CLI_CLIENT]! },
      },
    },
    {
      store,
      fetch: async (input, init) => {
        const url = String(input instanceof Request ? input.url : input)
        if (url === `${urls.idp}/token` && typeof init?.body === 'string') posted.push(new URLSearchParams(init.body))
        return fetch(input, init)
      },
      openBrowser: async (url) => {
        signIns++
        await signInAtBrowser(url, alice.username, alice.password)
      },
    },
  )
  await xaa.signIn()
}, 60_000)
afterAll(() => demo.close())

test('an expired ID token is renewed at the real IdP with its refresh token; the next exchange uses the new one', async () => {
  const { urls } = demo.state
  const first = (await store.read())!.session!
  expect(first.refreshToken, 'the IdP gave a refresh token at sign-in').toBeTypeOf('string')

  // The oidc-provider IdP stamps tokens with the real clock, so rather than move time past the ID token's hour, the
  // stored session says it has expired: the SDK must refresh before it asks for an ID-JAG.
  const data = (await store.read())!
  data.session = { ...first, idTokenExpiresAt: Math.floor(Date.now() / 1000) - 1 }
  await store.write(data)

  const token = await xaa.getAccessToken(urls.notesMcp)
  expect(token).toMatchObject({ resource: urls.notesMcp, issuer: urls.notesAs })
  const renewed = (await store.read())!.session!
  expect(renewed.idToken).not.toBe(first.idToken)
  expect(renewed.idTokenExpiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000))
  expect(renewed.subject).toBe(first.subject)
  expect(signIns).toBe(1)

  // At the IdP: the refresh grant, then the token exchange with the refreshed ID token as its subject token.
  const grants = posted.map((form) => form.get('grant_type'))
  expect(grants.slice(-2)).toEqual(['refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange'])
  expect(posted.at(-1)!.get('subject_token') === renewed.idToken).toBe(true)
  const issued = await demo.stores.idp.audit.query({
    action: 'id_jag.issue',
    decision: 'allow',
    audience: urls.notesAs,
  })
  expect(issued.events).toHaveLength(1)
})
