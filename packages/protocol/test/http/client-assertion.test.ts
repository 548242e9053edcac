import { type CryptoKey, generateKeyPair, type JWTPayload, SignJWT } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import { type ClientAssertionOptions, type ReplayStore, verifyClientAssertion } from '../../src/index.js'

const ISSUER = 'https://auth.chat.example'
const TOKEN_URL = 'https://auth.chat.example/token'
const NOW = new Date('2026-01-01T00:00:00Z')
const now = Math.floor(NOW.getTime() / 1000)

let key: { privateKey: CryptoKey; publicKey: CryptoKey }
let otherKey: { privateKey: CryptoKey; publicKey: CryptoKey }
let es384: { privateKey: CryptoKey; publicKey: CryptoKey }

beforeAll(async () => {
  key = await generateKeyPair('ES256')
  otherKey = await generateKeyPair('ES256')
  es384 = await generateKeyPair('ES384')
})

/** An in-memory replay guard with the same contract as the store's atomic insert. */
function memoryReplay(): ReplayStore {
  const seen = new Set<string>()
  return {
    async firstUse(scope, jti) {
      const k = `${scope}\u0000${jti}`
      if (seen.has(k)) return false
      seen.add(k)
      return true
    },
  }
}

const goodClaims = (): JWTPayload => ({
  iss: 'client-a',
  sub: 'client-a',
  aud: ISSUER,
  exp: now + 60,
  iat: now,
  jti: crypto.randomUUID(),
})

interface Forge {
  claims?: Record<string, unknown>
  drop?: string[]
  header?: Record<string, unknown>
  signWith?: CryptoKey | Uint8Array
}

async function forge(f: Forge = {}): Promise<string> {
  const claims: Record<string, unknown> = { ...goodClaims(), ...f.claims }
  for (const name of f.drop ?? []) delete claims[name]
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg: 'ES256', ...f.header } as { alg: string })
    .sign(f.signWith ?? key.privateKey)
}

function options(extra: Partial<ClientAssertionOptions> = {}): ClientAssertionOptions {
  return {
    clientId: 'client-a',
    audiences: [ISSUER, TOKEN_URL],
    keys: async (header) => (header.alg === 'ES384' ? es384.publicKey : key.publicKey),
    now: NOW,
    ...extra,
  }
}

function unsigned(claims: JWTPayload): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${enc({ alg: 'none' })}.${enc(claims)}.`
}

describe('verifyClientAssertion', () => {
  test('a good assertion addressed to the issuer', async () => {
    const result = await verifyClientAssertion(await forge(), options())
    expect(result.claims).toMatchObject({ iss: 'client-a', sub: 'client-a' })
  })

  test('RFC 7523 3 #3 the token endpoint URL in an aud array is accepted too', async () => {
    await expect(
      verifyClientAssertion(await forge({ claims: { aud: ['https://x', TOKEN_URL] } }), options()),
    ).resolves.toBeDefined()
  })

  test('exp at the edge: inside the skew passes, past it fails', async () => {
    await expect(verifyClientAssertion(await forge({ claims: { exp: now - 29 } }), options())).resolves.toBeDefined()
    await expect(verifyClientAssertion(await forge({ claims: { exp: now - 30 } }), options())).rejects.toMatchObject({
      code: 'ERR_CLIENT_ASSERTION',
    })
  })

  const attacks: {
    name: string
    make: () => Promise<string>
    opts?: Partial<ClientAssertionOptions>
    detail: RegExp
  }[] = [
    {
      name: 'RFC 7523 3 #3 aud is another server',
      make: () => forge({ claims: { aud: 'https://evil.example' } }),
      detail: /aud/,
    },
    { name: 'RFC 7523 3 #3 aud is missing', make: () => forge({ drop: ['aud'] }), detail: /aud/ },
    { name: 'RFC 7523 3 #1 iss is not the client', make: () => forge({ claims: { iss: 'client-b' } }), detail: /iss/ },
    { name: 'RFC 7523 3 #2 iss != sub', make: () => forge({ claims: { sub: 'client-b' } }), detail: /sub/ },
    {
      name: 'RFC 7523 3 #2 assertion of another client',
      make: () => forge({ claims: { iss: 'client-b', sub: 'client-b' } }),
      detail: /iss/,
    },
    { name: 'RFC 7523 3 #4 expired', make: () => forge({ claims: { exp: now - 120 } }), detail: /exp in the past/ },
    { name: 'RFC 7523 3 #4 exp missing', make: () => forge({ drop: ['exp'] }), detail: /exp missing/ },
    {
      name: 'RFC 7523 3 #4 exp is a string',
      make: () => forge({ claims: { exp: String(now + 60) } }),
      detail: /exp missing/,
    },
    {
      name: 'RFC 7523 3 #4 exp too far in the future',
      make: () => forge({ claims: { exp: now + 3600 } }),
      detail: /more than 300s/,
    },
    { name: 'RFC 7523 3 #5 nbf in the future', make: () => forge({ claims: { nbf: now + 600 } }), detail: /nbf/ },
    { name: 'RFC 7523 3 #6 iat in the future', make: () => forge({ claims: { iat: now + 600 } }), detail: /iat/ },
    { name: 'RFC 7523 3 #7 jti missing', make: () => forge({ drop: ['jti'] }), detail: /jti missing/ },
    { name: 'RFC 8725 3.1 alg none', make: async () => unsigned(goodClaims()), detail: /alg none/ },
    {
      name: 'RFC 8725 3.2 HS256 with a shared secret',
      make: () => forge({ header: { alg: 'HS256' }, signWith: new TextEncoder().encode('x'.repeat(32)) }),
      detail: /alg HS256/,
    },
    {
      name: 'RFC 7523 3 #9 alg not on the allow-list',
      make: () => forge({ header: { alg: 'ES384' }, signWith: es384.privateKey }),
      opts: { algorithms: ['ES256'] },
      detail: /alg ES384/,
    },
    {
      name: 'RFC 7523 3 #9 signed by another key',
      make: () => forge({ signWith: otherKey.privateKey }),
      detail: /signature check failed/,
    },
    {
      name: 'RFC 7523 3 #9 key function finds no key',
      make: () => forge(),
      opts: {
        keys: async () => {
          throw new Error('no key')
        },
      },
      detail: /signature check failed/,
    },
    {
      name: 'RFC 8725 3.11 an ID-JAG presented as client assertion',
      make: () => forge({ header: { typ: 'oauth-id-jag+jwt' } }),
      detail: /typ/,
    },
    {
      name: 'RFC 8725 3.11 a DPoP proof presented as client assertion',
      make: () => forge({ header: { typ: 'dpop+jwt' } }),
      detail: /typ/,
    },
    {
      name: 'RFC 7523 3 payload tampered after signing',
      make: async () => {
        const [h, , s] = (await forge()).split('.')
        return `${h}.${Buffer.from(JSON.stringify({ ...goodClaims(), sub: 'client-a' })).toString('base64url')}.${s}`
      },
      detail: /signature check failed/,
    },
    { name: 'RFC 7523 3 not a JWT at all', make: async () => 'garbage', detail: /header/ },
  ]
  for (const a of attacks) {
    test(a.name, async () => {
      const err = await verifyClientAssertion(await a.make(), options(a.opts)).catch((e) => e)
      expect(err).toMatchObject({ code: 'ERR_CLIENT_ASSERTION', oauthError: 'invalid_client' })
      expect(err.detail).toMatch(a.detail)
    })
  }

  test('RFC 7523 3 #7 a replayed jti is refused, the first use passes', async () => {
    const replay = memoryReplay()
    const assertion = await forge()
    await expect(verifyClientAssertion(assertion, options({ replay }))).resolves.toBeDefined()
    const err = await verifyClientAssertion(assertion, options({ replay })).catch((e) => e)
    expect(err).toMatchObject({ code: 'ERR_CLIENT_ASSERTION', oauthError: 'invalid_client', detail: 'jti replayed' })
  })

  test('signature is checked before claims: a forged expired assertion reports the signature', async () => {
    const err = await verifyClientAssertion(
      await forge({ claims: { exp: now - 999 }, signWith: otherKey.privateKey }),
      options(),
    ).catch((e) => e)
    expect(err.detail).toMatch(/signature/)
  })

  test('an allow-list with none or HMAC is a programming error', async () => {
    await expect(verifyClientAssertion(await forge(), options({ algorithms: ['ES256', 'HS256'] }))).rejects.toThrow(
      TypeError,
    )
    await expect(verifyClientAssertion(await forge(), options({ audiences: [] }))).rejects.toThrow(TypeError)
  })

  test('no description carries the assertion', async () => {
    const assertion = await forge({ claims: { aud: 'https://evil.example' } })
    const err = await verifyClientAssertion(assertion, options()).catch((e) => e)
    expect(`${err.message} ${err.detail}`).not.toContain(assertion.split('.')[1])
  })
})
