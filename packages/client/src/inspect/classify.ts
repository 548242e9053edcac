import { ACCESS_TOKEN_TYP, DPOP_PROOF_TYP, ID_JAG_TYP } from '@openxaa/protocol'

/** What a JWT is, by its `typ` header or, failing that, by its claims. */
export type JwtKind = 'id-jag' | 'access-token' | 'id-token' | 'dpop-proof' | 'client-assertion' | 'unknown'

/** `typ` compared as RFC 8725 3.11 / RFC 7515 4.1.9 say: case-insensitive, `application/` optional. */
export function normalizeTyp(typ: unknown): string | undefined {
  return typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined
}

const looksLikeUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\//.test(value)

/** The kind, and how it was recognised (`typ` header, or which claims). */
export function classify(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): { kind: JwtKind; by: string } {
  const typ = normalizeTyp(header.typ)
  if (typ === ID_JAG_TYP) return { kind: 'id-jag', by: `typ ${ID_JAG_TYP}` }
  if (typ === ACCESS_TOKEN_TYP) return { kind: 'access-token', by: `typ ${ACCESS_TOKEN_TYP}` }
  if (typ === DPOP_PROOF_TYP) return { kind: 'dpop-proof', by: `typ ${DPOP_PROOF_TYP}` }
  const has = (name: string) => claims[name] !== undefined
  if (has('htm') && has('htu')) return { kind: 'dpop-proof', by: 'claims htm and htu' }
  if (has('client_id') && has('resource')) return { kind: 'id-jag', by: 'claims client_id and resource' }
  if (has('nonce') || has('at_hash') || has('c_hash') || has('azp') || has('auth_time')) {
    return { kind: 'id-token', by: 'OpenID Connect claims (nonce, at_hash, azp or auth_time)' }
  }
  if (has('client_id')) return { kind: 'access-token', by: 'claim client_id' }
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud
  if (has('iss') && claims.iss === claims.sub && has('jti') && looksLikeUrl(aud)) {
    return { kind: 'client-assertion', by: 'iss equals sub, aud a server URL' }
  }
  if (has('iss') && has('sub') && typeof aud === 'string' && !looksLikeUrl(aud)) {
    return { kind: 'id-token', by: 'aud is a client id' }
  }
  return { kind: 'unknown', by: 'neither typ nor claims say' }
}
