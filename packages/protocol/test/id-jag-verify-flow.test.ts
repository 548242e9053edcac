import { SignJWT } from 'jose'
import { describe, expect, test } from 'vitest'
import {
  ALLOW_ID_JAG_REPRESENTATION,
  intersectScopes,
  mintIdJag,
  type SigningAlgorithm,
  staticKeySource,
  verifyIdJag,
} from '../src/index.js'
import {
  attacker,
  CLIENT,
  claims,
  ctx,
  HEADER,
  IDP,
  idp,
  MemoryReplayStore,
  NOW,
  RAS,
  RESOURCE,
  SAML_ISSUER,
  trust,
  validIdJag,
} from './support/id-jag.js'
import { forge, makeKey } from './support/keys.js'

describe('verifyIdJag happy paths', () => {
  test('the fixture baseline verifies (so every attack fails for its own reason)', async () => {
    const result = await verifyIdJag(await validIdJag(), ctx())
    expect(result.claims).toMatchObject({ iss: IDP, sub: 'U019488227', client_id: CLIENT })
    expect(result.resources).toEqual([RESOURCE])
    expect(result.scopes).toEqual(['chat.read', 'chat.history'])
    expect(result.issuer.issuer).toBe(IDP)
    expect(result.header).toMatchObject({ typ: 'oauth-id-jag+jwt', kid: 'idp-1' })
  })

  test('an ID-JAG minted by mintIdJag verifies', async () => {
    const assertion = await mintIdJag(
      { iss: IDP, sub: 'U1', aud: RAS, client_id: CLIENT, resource: RESOURCE, scope: 'chat.read', tenant: 'acme' },
      idp,
      { now: NOW },
    )
    const result = await verifyIdJag(assertion, ctx())
    expect(result.claims.exp - result.claims.iat).toBe(300)
    expect(result.scopes).toEqual(['chat.read'])
  })

  test('an ID-JAG made with plain jose SignJWT verifies', async () => {
    const assertion = await new SignJWT({ client_id: CLIENT, resource: RESOURCE, scope: 'chat.read', tenant: 'acme' })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1', typ: 'oauth-id-jag+jwt' })
      .setIssuer(IDP)
      .setSubject('U1')
      .setAudience(RAS)
      .setJti('independent-1')
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 300)
      .sign(idp.privateKey)
    await expect(verifyIdJag(assertion, ctx())).resolves.toMatchObject({ claims: { jti: 'independent-1' } })
  })

  test('aud as an array of one element verifies', async () => {
    await expect(verifyIdJag(await validIdJag({ aud: [RAS] }), ctx())).resolves.toBeDefined()
  })

  test('typ in the application/ form, any case, verifies (RFC 8725 3.11)', async () => {
    for (const typ of ['application/oauth-id-jag+jwt', 'Application/OAuth-ID-JAG+JWT']) {
      const assertion = await forge({ ...HEADER, typ }, claims(), idp.privateKey)
      await expect(verifyIdJag(assertion, ctx())).resolves.toBeDefined()
    }
  })

  test('2(d).6 [#18] skew edges: exp one second inside the skew and iat exactly skew ahead verify', async () => {
    await expect(verifyIdJag(await validIdJag({ iat: NOW - 300, exp: NOW - 29 }), ctx())).resolves.toBeDefined()
    await expect(verifyIdJag(await validIdJag({ iat: NOW + 30, exp: NOW + 300 }), ctx())).resolves.toBeDefined()
    await expect(verifyIdJag(await validIdJag({ nbf: NOW + 30 }), ctx())).resolves.toBeDefined()
  })

  for (const alg of ['RS256', 'PS256', 'EdDSA'] as SigningAlgorithm[]) {
    test(`an ${alg} issuer verifies`, async () => {
      const key = await makeKey(`k-${alg}`, alg)
      const trusted = trust({ keys: staticKeySource({ keys: [key.publicJwk] }), algorithms: [alg] })
      const assertion = await mintIdJag(
        { iss: IDP, sub: 'U1', aud: RAS, client_id: CLIENT, resource: RESOURCE, tenant: 'acme' },
        key,
        { now: NOW },
      )
      await expect(verifyIdJag(assertion, ctx({}, trusted))).resolves.toMatchObject({ header: { alg } })
    })
  }

  test('resources given as a predicate, and an array resource claim', async () => {
    const other = 'https://mcp2.chat.example'
    const result = await verifyIdJag(
      await validIdJag({ resource: [RESOURCE, other, RESOURCE] }),
      ctx({ resources: async (r) => r === RESOURCE || r === other }),
    )
    expect(result.resources).toEqual([RESOURCE, other])
  })

  test('requireResource false accepts an ID-JAG without resource', async () => {
    const result = await verifyIdJag(await validIdJag({ resource: undefined }), ctx({ requireResource: false }))
    expect(result.resources).toEqual([])
  })

  test('a saml-nameid sub_id from an associated SAML issuer is usable', async () => {
    const subId = { format: 'saml-nameid', issuer: SAML_ISSUER, nameid: 'alice@acme', sp_name_qualifier: RAS }
    const result = await verifyIdJag(
      await validIdJag({ sub_id: subId }),
      ctx({ requireSubId: true }, trust({ samlIssuers: [SAML_ISSUER] })),
    )
    expect(result.claims.sub_id).toEqual(subId)
  })

  test('2(d).11 [#25] cnf.jkt with the matching DPoP proof, and DPoP without cnf, verify', async () => {
    const jkt = 'A'.repeat(43)
    await expect(verifyIdJag(await validIdJag({ cnf: { jkt } }), ctx({ dpopJkt: jkt }))).resolves.toBeDefined()
    await expect(verifyIdJag(await validIdJag(), ctx({ dpopJkt: jkt, requireDpop: true }))).resolves.toBeDefined()
  })

  test('a JWK Set with two keys under one kid: the one that verifies wins', async () => {
    const keys = staticKeySource({ keys: [attacker.publicJwk, idp.publicJwk] })
    await expect(verifyIdJag(await validIdJag(), ctx({}, trust({ keys })))).resolves.toBeDefined()
    const forged = await forge(HEADER, claims(), attacker.privateKey)
    const onlyGenuine = trust()
    await expect(verifyIdJag(forged, ctx({}, onlyGenuine))).rejects.toMatchObject({ code: 'ERR_ID_JAG_SIGNATURE' })
  })
})

describe('verifyIdJag replay [#19]', () => {
  test('2(d).7 [#19] replayed jti attack', async () => {
    const replay = new MemoryReplayStore()
    const assertion = await validIdJag()
    await verifyIdJag(assertion, ctx({ replay }))
    const err = await verifyIdJag(assertion, ctx({ replay })).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_ID_JAG_REPLAY', oauthError: 'invalid_grant', rule: '2(d).7 #19' })
  })

  test('the replay key is scoped by iss: the same jti from two issuers are two entries', async () => {
    const replay = new MemoryReplayStore()
    const other = await makeKey('other-1')
    const otherTrust = trust({
      issuer: 'https://other.idp.example',
      keys: staticKeySource({ keys: [other.publicJwk] }),
    })
    await verifyIdJag(await validIdJag({ jti: 'same' }), ctx({ replay }))
    const second = await forge(
      { ...HEADER, kid: 'other-1' },
      claims({ jti: 'same', iss: 'https://other.idp.example' }),
      other.privateKey,
    )
    await expect(verifyIdJag(second, ctx({ replay }, otherTrust))).resolves.toBeDefined()
    expect([...replay.seen.keys()]).toEqual([
      JSON.stringify([IDP, 'same']),
      JSON.stringify(['https://other.idp.example', 'same']),
    ])
    expect(replay.seen.get(JSON.stringify([IDP, 'same']))).toBe(NOW + 290)
  })

  test('ALLOW_ID_JAG_REPRESENTATION lets the same ID-JAG verify twice', async () => {
    const assertion = await validIdJag()
    await verifyIdJag(assertion, ctx({ replay: ALLOW_ID_JAG_REPRESENTATION }))
    await expect(verifyIdJag(assertion, ctx({ replay: ALLOW_ID_JAG_REPRESENTATION }))).resolves.toBeDefined()
  })

  test('a failed verification does not consume the jti', async () => {
    const replay = new MemoryReplayStore()
    const assertion = await validIdJag()
    await expect(
      verifyIdJag(assertion, ctx({ replay, resources: ['https://elsewhere.example'] })),
    ).rejects.toMatchObject({ code: 'ERR_ID_JAG_RESOURCE' })
    expect(replay.seen.size).toBe(0)
    await expect(verifyIdJag(assertion, ctx({ replay }))).resolves.toBeDefined()
  })
})

describe('verifyIdJag order', () => {
  test('a bad signature wins over an expired claim', async () => {
    const assertion = await forge(HEADER, claims({ iat: NOW - 1000, exp: NOW - 700 }), attacker.privateKey)
    await expect(verifyIdJag(assertion, ctx())).rejects.toMatchObject({ code: 'ERR_ID_JAG_SIGNATURE' })
  })

  test('a bad signature wins over a wrong audience and a wrong client', async () => {
    const assertion = await forge(HEADER, claims({ aud: 'https://x.example', client_id: 'b' }), attacker.privateKey)
    await expect(verifyIdJag(assertion, ctx())).rejects.toMatchObject({ code: 'ERR_ID_JAG_SIGNATURE' })
  })

  test('typ is checked before the issuer is looked up', async () => {
    let lookups = 0
    const c = ctx()
    const assertion = await forge({ ...HEADER, typ: 'JWT' }, claims(), idp.privateKey)
    const trustedIssuer = (iss: string) => {
      lookups++
      return c.trustedIssuer(iss)
    }
    const err = await verifyIdJag(assertion, { ...c, trustedIssuer }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_ID_JAG_TYP' })
    expect(lookups).toBe(0)
  })

  test('the trusted issuer lookup must name the same issuer', async () => {
    const c = ctx()
    const err = await verifyIdJag(await validIdJag(), {
      ...c,
      trustedIssuer: () => trust({ issuer: `${IDP}/` }),
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_ID_JAG_ISSUER', oauthError: 'invalid_grant' })
  })
})

describe('verifyIdJag context checks', () => {
  const base = ctx()
  const bad: [string, object][] = [
    ['no replay', { replay: undefined }],
    ['HS256 allowed', { algorithms: ['ES256', 'HS256'] }],
    ['none allowed', { algorithms: ['none'] }],
    ['no issuer', { issuer: '' }],
    ['negative skew', { clockSkew: -1 }],
    ['zero lifetime', { maxLifetime: 0 }],
    ['resources missing', { resources: undefined }],
  ]
  for (const [name, override] of bad) {
    test(`misconfigured context is a TypeError: ${name}`, async () => {
      await expect(verifyIdJag(await validIdJag(), { ...base, ...override } as typeof base)).rejects.toBeInstanceOf(
        TypeError,
      )
    })
  }
})

describe('intersectScopes', () => {
  test('grants only what both hold, in requested order, never broadening', () => {
    expect(intersectScopes('a b c', ['c', 'a', 'z'])).toEqual(['a', 'c'])
    expect(intersectScopes(['x', 'x', 'y'], 'y x')).toEqual(['x', 'y'])
    expect(intersectScopes('a', new Set<string>())).toEqual([])
    expect(() => intersectScopes('a  b', ['a'])).toThrow(TypeError)
  })
})
