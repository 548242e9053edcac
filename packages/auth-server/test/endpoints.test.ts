// Metadata (#27), JWKS and key rotation, the authorization endpoint's error page, RFC 7662 introspection and
// RFC 7009 revocation, over real HTTP.
import { GRANT_PROFILE_ID_JAG, GRANT_TYPE_JWT_BEARER, validateAuthorizationServerMetadata } from '@openxaa/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAdminService } from '../src/index.js'
import { auditOf, postForm, readJson } from './support/as.js'
import { AGENT, AGENT_B, RESOURCE, startWorld, type World } from './support/world.js'

let w: World
let rsSecret: string
beforeAll(async () => {
  w = await startWorld()
  // A resource server authenticates at introspection as a client of its own.
  rsSecret = (
    await createAdminService(w.as.server.context).createClient({ type: 'cli', id: 't' }, { clientId: 'mcp-rs' })
  ).secret!
})
afterAll(() => w?.close())

async function token(client = AGENT): Promise<string> {
  const res = await postForm(
    w.as.tokenUrl,
    { grant_type: GRANT_TYPE_JWT_BEARER, assertion: await w.idJag({ client_id: client }) },
    { basic: [client, w.secrets[client]!] },
  )
  return (await readJson(res)).access_token
}

function introspect(t: string) {
  return postForm(
    `${w.as.issuer}/introspect`,
    { token: t, token_type_hint: 'access_token' },
    { basic: ['mcp-rs', rsSecret] },
  )
}

describe('[#27] metadata', () => {
  test('RFC 8414 and OIDC discovery serve the same valid document, with what the MCP SDK insists on', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await fetch(`${w.as.issuer}${path}`)
      expect(res.status).toBe(200)
      const metadata = validateAuthorizationServerMetadata(await res.json(), w.as.issuer)
      expect(metadata).toMatchObject({
        issuer: w.as.issuer,
        token_endpoint: `${w.as.issuer}/token`,
        jwks_uri: `${w.as.issuer}/jwks`,
        authorization_endpoint: `${w.as.issuer}/authorize`,
        introspection_endpoint: `${w.as.issuer}/introspect`,
        revocation_endpoint: `${w.as.issuer}/revoke`,
        response_types_supported: ['code'],
        authorization_grant_profiles_supported: [GRANT_PROFILE_ID_JAG],
        client_id_metadata_document_supported: true,
      })
      expect(metadata.grant_types_supported).toContain(GRANT_TYPE_JWT_BEARER)
      expect(metadata.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
      )
      expect(metadata.scopes_supported).toContain('chat.read')
      // No issuer allow-list leaks through the metadata.
      expect(JSON.stringify(metadata)).not.toContain(w.idp.issuer)
    }
  })

  test('the authorization endpoint answers a clear OAuth error page, never a redirect', async () => {
    const res = await fetch(
      `${w.as.issuer}/authorize?response_type=code&client_id=x&redirect_uri=https://evil.example`,
      {
        headers: { accept: 'text/html' },
        redirect: 'manual',
      },
    )
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
    const html = await res.text()
    expect(html).toContain('temporarily_unavailable')
    expect(html).toContain('Cross-App Access')
    const json = await fetch(`${w.as.issuer}/authorize`)
    expect(await json.json()).toMatchObject({ error: 'temporarily_unavailable' })
  })
})

describe('JWKS and rotation [#28]', () => {
  test('after a rotation, tokens of the old key still verify (it stays published) and new ones use the new key', async () => {
    const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid
    const jwksKids = async () =>
      ((await (await fetch(`${w.as.issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)
    const before = await token()
    const service = createAdminService(w.as.server.context)
    const { kid, activateAt } = await service.rotateSigningKey({ type: 'cli', id: 't' })
    // Published at once, after the key that signs; it signs from its activation time, 60 s on.
    expect(await jwksKids()).toEqual([kidOf(before), kid])
    expect(kidOf(await token())).toBe(kidOf(before))
    w.as.clock.offsetMs += activateAt - w.as.clock.fn()
    try {
      expect(await jwksKids()).toEqual([kid, kidOf(before)])
      expect((await readJson(await introspect(before))).active).toBe(true)
      expect(kidOf(await token())).toBe(kid)
    } finally {
      w.as.clock.offsetMs = 0
    }
  })
})

describe('RFC 7662 introspection', () => {
  test('an active token is described; its claims match', async () => {
    const res = await introspect(await token())
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await readJson(res)).toMatchObject({
      active: true,
      iss: w.as.issuer,
      aud: RESOURCE,
      client_id: AGENT,
      token_type: 'Bearer',
      scope: 'chat.read chat.history',
    })
  })

  test('garbage, foreign and expired tokens are {active:false} and nothing else', async () => {
    const fresh = await token()
    const foreign = await w.idJag()
    for (const t of ['garbage', foreign, `${fresh.slice(0, -4)}AAAA`]) {
      expect(await readJson(await introspect(t))).toEqual({ active: false })
    }
    w.as.clock.offsetMs = 10 * 60_000
    try {
      expect(await readJson(await introspect(fresh))).toEqual({ active: false })
    } finally {
      w.as.clock.offsetMs = 0
    }
  })

  test('introspection requires client authentication', async () => {
    const res = await postForm(`${w.as.issuer}/introspect`, { token: 'x' })
    expect(res.status).toBe(401)
    expect((await readJson(res)).error).toBe('invalid_client')
  })
})

describe('RFC 7009 revocation', () => {
  test('the owning client revokes its token; introspection then reports it inactive; audited', async () => {
    const t = await token()
    const res = await postForm(`${w.as.issuer}/revoke`, { token: t }, { basic: [AGENT, w.secrets[AGENT]!] })
    expect(res.status).toBe(200)
    expect(await readJson(await introspect(t))).toEqual({ active: false })
    const [event] = await auditOf(w.as.store, res)
    expect(event).toMatchObject({ action: 'access_token.revoke', decision: 'change', clientId: AGENT })
    expect(JSON.stringify(event)).not.toContain(t)
  })

  test('another client cannot revoke it; unknown tokens are answered 200 as well', async () => {
    const t = await token()
    const other = await postForm(`${w.as.issuer}/revoke`, { token: t }, { basic: [AGENT_B, w.secrets[AGENT_B]!] })
    expect(other.status).toBe(200)
    expect((await readJson(await introspect(t))).active).toBe(true)
    const unknown = await postForm(
      `${w.as.issuer}/revoke`,
      { token: 'nonsense' },
      { basic: [AGENT, w.secrets[AGENT]!] },
    )
    expect(unknown.status).toBe(200)
  })
})
