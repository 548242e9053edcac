import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  createDpopProof,
  type DpopProofOptions,
  dpopAccessTokenHash,
  type ReplayStore,
  verifyDpopProof,
} from '../../src/index.js'

const HTU = 'https://auth.chat.example/token'
const NOW = new Date('2026-01-01T00:00:00Z')
const now = Math.floor(NOW.getTime() / 1000)

let key: { privateKey: CryptoKey; publicKey: CryptoKey }
let other: { privateKey: CryptoKey; publicKey: CryptoKey }
let rsa: { privateKey: CryptoKey; publicKey: CryptoKey }
let publicJwk: JWK
let privateJwk: JWK

beforeAll(async () => {
  key = await generateKeyPair('ES256', { extractable: true })
  other = await generateKeyPair('ES256')
  rsa = await generateKeyPair('RS256')
  publicJwk = await exportJWK(key.publicKey)
  privateJwk = await exportJWK(key.privateKey)
})

function memoryReplay(): ReplayStore {
  const seen = new Set<string>()
  return {
    async firstUse(scope, jti) {
      const k = `${scope} ${jti}`
      if (seen.has(k)) return false
      seen.add(k)
      return true
    },
  }
}

interface Forge {
  header?: Record<string, unknown>
  claims?: Record<string, unknown>
  drop?: string[]
  dropHeader?: string[]
  signWith?: CryptoKey | Uint8Array
}

async function forge(f: Forge = {}): Promise<string> {
  const claims: Record<string, unknown> = { jti: crypto.randomUUID(), htm: 'POST', htu: HTU, iat: now, ...f.claims }
  for (const d of f.drop ?? []) delete claims[d]
  const header: Record<string, unknown> = { alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk, ...f.header }
  for (const d of f.dropHeader ?? []) delete header[d]
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(f.signWith ?? key.privateKey)
}

const opts = (extra: Partial<DpopProofOptions> = {}): DpopProofOptions => ({
  htm: 'POST',
  htu: HTU,
  now: NOW,
  ...extra,
})

describe('verifyDpopProof', () => {
  test('RFC 9449 4.3 a good proof yields the RFC 7638 thumbprint and the public key', async () => {
    const result = await verifyDpopProof(await forge(), opts())
    expect(result.jkt).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'))
    expect(result.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y })
    expect(result.iat).toBe(now)
  })

  test('RFC 9449 4.3.9 htu is compared without query and fragment', async () => {
    await expect(
      verifyDpopProof(await forge({ claims: { htu: `${HTU}?a=1#f` } }), opts({ htu: `${HTU}?b=2` })),
    ).resolves.toBeDefined()
  })

  test('RFC 9449 4.3.12 ath of the presented access token passes', async () => {
    const ath = await dpopAccessTokenHash('at-123')
    await expect(
      verifyDpopProof(await forge({ claims: { ath } }), opts({ accessToken: 'at-123' })),
    ).resolves.toBeDefined()
  })

  test('RFC 9449 4.2 ath is base64url SHA-256 of the ASCII token (known vector)', async () => {
    // RFC 9449 section 7.1 example access token and its ath
    expect(await dpopAccessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    )
  })

  test('RFC 9449 8 a current server nonce passes (one of several accepted)', async () => {
    await expect(
      verifyDpopProof(await forge({ claims: { nonce: 'n2' } }), opts({ nonce: ['n1', 'n2'] })),
    ).resolves.toBeDefined()
  })

  const attacks: { name: string; make: () => Promise<string>; opts?: Partial<DpopProofOptions>; detail: RegExp }[] = [
    { name: 'RFC 9449 4.3.8 htm is GET for a POST', make: () => forge({ claims: { htm: 'GET' } }), detail: /htm/ },
    { name: 'RFC 9449 4.3.8 htm in lower case', make: () => forge({ claims: { htm: 'post' } }), detail: /htm/ },
    {
      name: 'RFC 9449 4.3.9 htu of another endpoint',
      make: () => forge({ claims: { htu: 'https://auth.chat.example/other' } }),
      detail: /htu/,
    },
    {
      name: 'RFC 9449 4.3.9 htu of another host',
      make: () => forge({ claims: { htu: 'https://evil.example/token' } }),
      detail: /htu/,
    },
    { name: 'RFC 9449 4.3.9 htu is not a URL', make: () => forge({ claims: { htu: 'token' } }), detail: /htu/ },
    { name: 'RFC 9449 4.3.11 iat is stale', make: () => forge({ claims: { iat: now - 400 } }), detail: /iat too old/ },
    {
      name: 'RFC 9449 4.3.11 iat is in the future',
      make: () => forge({ claims: { iat: now + 120 } }),
      detail: /iat ahead/,
    },
    { name: 'RFC 9449 4.3.3 iat missing', make: () => forge({ drop: ['iat'] }), detail: /iat/ },
    { name: 'RFC 9449 4.3.3 jti missing', make: () => forge({ drop: ['jti'] }), detail: /jti/ },
    { name: 'RFC 9449 4.3.3 htm missing', make: () => forge({ drop: ['htm'] }), detail: /htm/ },
    {
      name: 'RFC 9449 4.3.7 private key in jwk',
      make: () => forge({ header: { jwk: privateJwk } }),
      detail: /private/,
    },
    {
      name: 'RFC 9449 4.3.7 symmetric key in jwk',
      make: () =>
        forge({
          header: { alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } },
          signWith: new TextEncoder().encode('secret'),
        }),
      detail: /alg HS256/,
    },
    { name: 'RFC 9449 4.3.3 jwk missing', make: () => forge({ dropHeader: ['jwk'] }), detail: /jwk/ },
    {
      name: 'RFC 9449 4.3.6 signed by another key than the jwk',
      make: () => forge({ signWith: other.privateKey }),
      detail: /signature/,
    },
    { name: 'RFC 9449 4.3.4 typ is JWT', make: () => forge({ header: { typ: 'JWT' } }), detail: /typ/ },
    { name: 'RFC 9449 4.3.4 typ missing', make: () => forge({ dropHeader: ['typ'] }), detail: /typ/ },
    { name: 'RFC 9449 4.3.4 typ is at+jwt', make: () => forge({ header: { typ: 'at+jwt' } }), detail: /typ/ },
    {
      name: 'RFC 9449 4.3.5 alg none',
      make: async () => {
        const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
        return `${enc({ alg: 'none', typ: 'dpop+jwt', jwk: publicJwk })}.${enc({ jti: 'x', htm: 'POST', htu: HTU, iat: now })}.`
      },
      detail: /not a compact JWS|alg/,
    },
    {
      name: 'RFC 9449 4.3.5 alg off the allow-list',
      make: () => forge(),
      opts: { algorithms: ['EdDSA'] },
      detail: /alg ES256/,
    },
    {
      name: 'RFC 9449 4.3.5 alg does not fit the key',
      make: () => forge({ header: { alg: 'RS256' }, signWith: rsa.privateKey }),
      detail: /signature/,
    },
    {
      name: 'RFC 9449 4.3.12 ath missing when a token is presented',
      make: () => forge(),
      opts: { accessToken: 'at-123' },
      detail: /ath missing/,
    },
    {
      name: 'RFC 9449 4.3.12 ath of another token',
      make: async () => forge({ claims: { ath: await dpopAccessTokenHash('other') } }),
      opts: { accessToken: 'at-123' },
      detail: /ath mismatch/,
    },
    {
      name: 'RFC 9449 4.3.1 two DPoP headers joined',
      make: async () => `${await forge()}, ${await forge()}`,
      detail: /compact JWS/,
    },
    { name: 'RFC 9449 4.3.2 not a JWT', make: async () => 'abc', detail: /compact JWS/ },
  ]
  for (const a of attacks) {
    test(a.name, async () => {
      const err = await verifyDpopProof(await a.make(), opts(a.opts)).catch((e) => e)
      expect(err).toMatchObject({ code: 'ERR_DPOP_PROOF', oauthError: 'invalid_dpop_proof' })
      expect(err.detail).toMatch(a.detail)
    })
  }

  test('RFC 9449 11.1 a replayed proof is refused', async () => {
    const replay = memoryReplay()
    const proof = await forge()
    await expect(verifyDpopProof(proof, opts({ replay }))).resolves.toBeDefined()
    const err = await verifyDpopProof(proof, opts({ replay })).catch((e) => e)
    expect(err).toMatchObject({ code: 'ERR_DPOP_PROOF', oauthError: 'invalid_dpop_proof', detail: 'jti replayed' })
  })

  for (const [name, claims] of [
    ['RFC 9449 8 nonce required but missing', {}],
    ['RFC 9449 8 nonce stale', { nonce: 'old' }],
  ] as const) {
    test(name, async () => {
      const err = await verifyDpopProof(await forge({ claims }), opts({ nonce: 'current' })).catch((e) => e)
      expect(err).toMatchObject({ code: 'ERR_DPOP_NONCE', oauthError: 'use_dpop_nonce' })
    })
  }

  test('the signature is checked before the claims', async () => {
    const err = await verifyDpopProof(
      await forge({ claims: { htm: 'GET' }, signWith: other.privateKey }),
      opts(),
    ).catch((e) => e)
    expect(err.detail).toMatch(/signature/)
  })

  test('an allow-list with HMAC is a programming error', async () => {
    await expect(verifyDpopProof(await forge(), opts({ algorithms: ['HS256'] }))).rejects.toThrow(TypeError)
  })
})

describe('createDpopProof', () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256', 'PS256'] as const) {
    test(`create -> verify round trip with ${alg}, query dropped from htu, ath and nonce set`, async () => {
      const pair = await generateKeyPair(alg)
      const proof = await createDpopProof({
        ...pair,
        alg,
        htm: 'GET',
        htu: 'https://mcp.example/mcp?x=1',
        accessToken: 'at',
        nonce: 'n',
        now: NOW,
      })
      const result = await verifyDpopProof(proof, {
        htm: 'GET',
        htu: 'https://mcp.example/mcp',
        now: NOW,
        accessToken: 'at',
        nonce: 'n',
      })
      expect(result.jkt).toBe(await calculateJwkThumbprint(await exportJWK(pair.publicKey), 'sha256'))
      const payload = JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString())
      expect(payload.htu).toBe('https://mcp.example/mcp')
    })
  }

  test('the proof header never carries the private key', async () => {
    const proof = await createDpopProof({ ...key, htm: 'POST', htu: HTU })
    const header = JSON.parse(Buffer.from(proof.split('.')[0]!, 'base64url').toString())
    expect(header.jwk).not.toHaveProperty('d')
    expect(header.typ).toBe('dpop+jwt')
  })
})
