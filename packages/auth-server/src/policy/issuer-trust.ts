/**
 * Issuer trust per organization (decision 7): which trust, if any, an ID-JAG's `iss` (and `tenant`) falls under for
 * the authenticated client, and the keys that trust verifies signatures with.
 * @see spec/xaa-protocol.md 2(d) steps 3, 4, 8 and 9; checklist #16, #23, #28
 */
import { createJwksCache, type KeySource, ProtocolError, staticKeySource, type TrustedIssuer } from '@openxaa/protocol'
import type { IssuerTrust, RedemptionRows } from '@openxaa/store'
import type { AuthenticatedClient } from '../client-auth/authenticate.js'
import type { RedemptionContext } from '../context.js'
import { discoverIssuerKeys } from './issuer-metadata.js'

/** A trust in the shape `verifyIdJag` takes, with its row. */
export interface ResolvedTrust extends TrustedIssuer {
  row: IssuerTrust
}

/** What the lookup found: an enabled trust, or the disabled one that would have applied. */
export interface TrustLookup {
  trust?: ResolvedTrust
  disabled?: IssuerTrust
}

function cached(context: RedemptionContext, key: string, uri: string): KeySource {
  let cache = context.jwksCaches.get(key)
  if (!cache) {
    cache = createJwksCache({ uri, fetch: context.fetch, clock: () => context.nowMs() })
    context.jwksCaches.set(key, cache)
  }
  return cache
}

/** The keys of a trust: its inline set, its `jwks_uri`, or the `jwks_uri` its issuer's metadata names. */
export function trustKeys(context: RedemptionContext, trust: IssuerTrust): KeySource {
  if (trust.jwks) {
    try {
      return staticKeySource(trust.jwks as never)
    } catch (err) {
      // A stored key set jose cannot use: every assertion of this issuer fails as "keys unavailable".
      const unavailable = new ProtocolError('ERR_JWKS_UNAVAILABLE', 'the issuer keys are unavailable', {
        detail: `trust ${trust.id} inline jwks unusable: ${(err as Error).message.slice(0, 200)}`,
      })
      return async () => {
        throw unavailable
      }
    }
  }
  if (trust.jwksUri) return cached(context, `trust:${trust.jwksUri}`, trust.jwksUri)
  return async (header) => {
    const key = `discovered:${trust.issuer}`
    let source: KeySource | undefined = context.jwksCaches.get(key)
    if (!source) {
      let jwksUri: string
      try {
        ;({ jwksUri } = await discoverIssuerKeys(trust.issuer, context.fetch))
      } catch (err) {
        throw new ProtocolError('ERR_JWKS_UNAVAILABLE', 'the issuer keys are unavailable', {
          detail: (err as Error).message,
        })
      }
      source = cached(context, key, jwksUri)
    }
    return source(header)
  }
}

/**
 * The trust an ID-JAG from `iss` falls under: among the trusts of `iss` (only those of the client's organization
 * when the client belongs to one), the one pinned to the assertion's `tenant`, else the unpinned one, else any
 * (whose pin `verifyIdJag` then refuses, after the signature). The tenant hint is unverified: it only picks which
 * trust's keys and pin the assertion must satisfy.
 */
export async function lookUpTrust(
  context: RedemptionContext,
  iss: string,
  tenantHint: string | undefined,
  client: AuthenticatedClient,
  rows?: RedemptionRows,
): Promise<TrustLookup> {
  let trusts = rows?.trusts(iss) ?? (await context.store.authServer.issuerTrusts.findByIssuer(iss))
  if (client.organizationId !== null) trusts = trusts.filter((t) => t.organizationId === client.organizationId)
  const pick =
    trusts.find((t) => t.tenant !== null && t.tenant === tenantHint) ??
    trusts.find((t) => t.tenant === null) ??
    trusts[0]
  if (!pick) return {}
  if (!pick.enabled) return { disabled: pick }
  return {
    trust: {
      issuer: pick.issuer,
      keys: trustKeys(context, pick),
      ...(pick.tenant === null ? {} : { tenant: pick.tenant }),
      ...(pick.allowedClientIds === null ? {} : { clients: pick.allowedClientIds }),
      row: pick,
    },
  }
}
