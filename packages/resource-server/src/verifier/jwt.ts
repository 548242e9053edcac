import {
  authorizationServerMetadataUrls,
  createJwksCache,
  JSON_MEDIA_TYPE,
  JWKS_CACHE_DEFAULT_COOLDOWN,
  JWKS_CACHE_DEFAULT_TIMEOUT,
  type JwksCache,
  type KeySource,
  ProtocolError,
  staticKeySource,
  validateAuthorizationServerMetadata,
  verifyAccessToken,
} from '@openxaa/protocol'
import { authContext, type TokenVerifier } from '../auth-context.js'
import type { ResolvedJwtVerifier, ResolvedResourceServerOptions } from '../options.js'

function unavailable(detail: string): ProtocolError {
  return new ProtocolError('ERR_JWKS_UNAVAILABLE', 'the issuer keys are unavailable', { detail })
}

/**
 * A key source that finds the issuer's `jwks_uri` in its RFC 8414 metadata on first use (the document's `issuer`
 * must equal the configured one), then serves keys through protocol's JWKS cache. A failed discovery is retried no
 * more often than once per JWKS cooldown.
 */
function discoveredKeys(v: ResolvedJwtVerifier, o: ResolvedResourceServerOptions): KeySource {
  let cache: JwksCache | undefined
  let pending: Promise<JwksCache> | undefined
  let failure: { at: number; error: ProtocolError } | undefined
  const cooldown = v.jwks.cooldown ?? JWKS_CACHE_DEFAULT_COOLDOWN

  async function discover(): Promise<JwksCache> {
    const problems: string[] = []
    for (const url of authorizationServerMetadataUrls(v.issuer)) {
      try {
        const res = await o.fetch(url, {
          redirect: 'manual',
          headers: { accept: JSON_MEDIA_TYPE },
          signal: AbortSignal.timeout(v.jwks.timeout ?? JWKS_CACHE_DEFAULT_TIMEOUT),
        })
        if (res.status !== 200) {
          await res.body?.cancel()
          problems.push(`${new URL(url).pathname}: status ${res.status}`)
          continue
        }
        const metadata = validateAuthorizationServerMetadata(await res.json(), v.issuer)
        if (metadata.jwks_uri === undefined) throw new Error('metadata has no jwks_uri')
        return createJwksCache({ uri: metadata.jwks_uri, fetch: o.fetch, clock: o.clock, ...v.jwks })
      } catch (err) {
        problems.push(`${new URL(url).pathname}: ${(err as Error).message}`)
      }
    }
    throw unavailable(`metadata discovery failed (${problems.join('; ')})`)
  }

  return async (header) => {
    if (cache === undefined) {
      if (failure !== undefined && o.clock() - failure.at < cooldown) throw failure.error
      pending ??= discover().finally(() => {
        pending = undefined
      })
      try {
        cache = await pending
        failure = undefined
      } catch (err) {
        failure = { at: o.clock(), error: err as ProtocolError }
        throw err
      }
    }
    return cache(header)
  }
}

/** The key source a JWT verifier uses: inline keys, a `jwks_uri`, or discovery from the issuer's metadata. */
export function keySourceFor(v: ResolvedJwtVerifier, o: ResolvedResourceServerOptions): KeySource {
  if (v.keys !== undefined) return staticKeySource(v.keys)
  if (v.jwksUri !== undefined) return createJwksCache({ uri: v.jwksUri, fetch: o.fetch, clock: o.clock, ...v.jwks })
  return discoveredKeys(v, o)
}

/**
 * Verifies RFC 9068 JWT access tokens with protocol's `verifyAccessToken` (typ, signature, `iss`, `aud` = this
 * resource, `exp`/`nbf`/`iat`, REQUIRED claims), then refuses sender-constrained tokens: a token bound to a DPoP key
 * (`cnf`) presented as a plain bearer token would let whoever copied it use it (RFC 9449 section 7.1).
 *
 * @see spec/xaa-protocol.md section 2(e), checklist item 36
 */
export function createJwtVerifier(v: ResolvedJwtVerifier, o: ResolvedResourceServerOptions): TokenVerifier {
  const keys = keySourceFor(v, o)
  return {
    async verify(token) {
      const { claims, scopes } = await verifyAccessToken(token, {
        issuer: v.issuer,
        audience: o.resource,
        keys,
        algorithms: v.algorithms,
        clockSkew: v.clockSkew,
        now: Math.floor(o.clock() / 1000),
      })
      if (claims.cnf !== undefined) {
        throw new ProtocolError('ERR_ACCESS_TOKEN_CLAIM', 'the access token is sender-constrained', {
          rule: 'RFC 9449 7.1',
          detail: 'cnf present on a token presented as Bearer',
        })
      }
      return authContext(claims, { subject: claims.sub, clientId: claims.client_id, issuer: claims.iss, scopes })
    },
  }
}
