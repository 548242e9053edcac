/**
 * Hostile inputs for the fuzzer, from a seeded generator (the same seed sends the same requests): malformed forms,
 * wrong content types, invalid UTF-8, huge and deeply nested bodies, repeated parameters, JWT-shaped garbage.
 */

/** A small seeded PRNG (mulberry32): reproducible runs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One request to send: a path relative to a server, and its init. */
export interface FuzzRequest {
  path: string
  method: string
  headers: Record<string, string>
  body?: Uint8Array | string
  kind: string
}

const enc = new TextEncoder()
const wellFormed = (s: string) => !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

export function generators(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  const int = (n: number) => Math.floor(random() * n)
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256))
  const jwtShaped = (): string => {
    const header = pick([
      '{"alg":"ES256","typ":"oauth-id-jag+jwt","kid":"x"}',
      '{"alg":"none"}',
      '{"alg":"HS256","typ":"JWT"}',
      '{"alg":"RS256","jku":"http://127.0.0.1:1/"}',
      '{"alg":"ES256","crit":["x"]}',
      '{',
      '[]',
    ])
    const payload = pick([
      '{"iss":"x","sub":"y","aud":"z","exp":9999999999,"jti":"j","client_id":"c"}',
      `{"exp":${int(2 ** 31)},"iat":"now"}`,
      '{"aud":[1,2,{}],"scope":null}',
      'null',
      '"str"',
    ])
    const parts = [b64url(enc.encode(header)), b64url(enc.encode(payload)), b64url(bytes(int(80)))]
    return pick([parts.join('.'), parts.slice(0, 2).join('.'), `${parts.join('.')}.extra.parts`, `${parts[0]}..`])
  }
  const value = (): string =>
    pick([
      jwtShaped(),
      '',
      'x'.repeat(int(5000)),
      '%zz%',
      '\u0000',
      '\ud800',
      'urn:ietf:params:oauth:token-type:id-jag',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
      'urn:ietf:params:oauth:grant-type:token-exchange',
      'http://127.0.0.1:1/',
      'https://mcp.example/',
      String(int(1e9)),
      '{"a":1}',
    ])
  const names = [
    'grant_type',
    'assertion',
    'subject_token',
    'subject_token_type',
    'requested_token_type',
    'audience',
    'resource',
    'scope',
    'client_id',
    'client_secret',
    'client_assertion',
    'client_assertion_type',
    'token',
    'token_type_hint',
    'code',
    'redirect_uri',
  ]
  const form = (): string => {
    const parts: string[] = []
    for (let i = 0, n = int(8); i < n; i++) {
      const name = random() < 0.9 ? pick(names) : b64url(bytes(int(10)))
      const v = value()
      // Raw (unencoded) values too: a lone surrogate cannot be percent-encoded, which is the point.
      parts.push(`${encodeURIComponent(name)}=${random() < 0.8 && wellFormed(v) ? encodeURIComponent(v) : v}`)
      if (random() < 0.2) parts.push(parts[parts.length - 1] as string) // repeated parameter
    }
    return parts.join(pick(['&', '&&', ';', '&=&']))
  }
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
  const body = (): { body?: Uint8Array | string; kind: string } => {
    switch (int(8)) {
      case 0:
        return { body: form(), kind: 'form' }
      case 1:
        return {
          body: Uint8Array.from([...enc.encode('grant_type='), 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
          kind: 'invalid-utf8',
        }
      case 2:
        return { body: `assertion=${'A'.repeat(200_000)}`, kind: 'huge' }
      case 3:
        return { body: nested(pick([100, 10_000, 100_000])), kind: 'nested-json' }
      case 4:
        return {
          body: JSON.stringify({ name: value(), id: value(), scopes: [value()], extra: { a: { b: value() } } }),
          kind: 'json',
        }
      case 5:
        return { body: bytes(int(2000)), kind: 'random-bytes' }
      case 6:
        return { body: `${form()}&${form()}`, kind: 'repeated' }
      default:
        return { kind: 'empty' }
    }
  }
  const contentType = () =>
    pick([
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-16',
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/jwt',
      '',
      '\u00ff',
    ])
  const authorization = () =>
    pick([
      undefined,
      `Bearer ${jwtShaped()}`,
      `Basic ${b64url(bytes(int(40)))}`,
      `Basic ${Buffer.from(`${value()}:${value()}`).toString('base64')}`,
      'Basic',
      `DPoP ${jwtShaped()}`,
      `Bearer ${'a'.repeat(10_000)}`,
    ])
  return { pick, int, body, contentType, authorization, jwtShaped, value }
}
