/**
 * Redeems an ID-JAG for an access token, in the order of spec 2(d): the client is already authenticated (step 1);
 * `verifyIdJag` runs steps 2-13 with the issuer trust of the client's organization and records the `jti` (step 7);
 * then the subject becomes a local account (step 10), scopes are intersected (step 13), and an RFC 9068 access
 * token is issued for the ID-JAG's resource (step 16). Every outcome is audited.
 * @see spec/xaa-protocol.md 2(d); checklist #15-#29; decisions 1, 2, 3, 4, 7, 8
 */

import { randomBytes } from 'node:crypto'
import {
  ALLOW_ID_JAG_REPRESENTATION,
  type IdJagClaims,
  isProtocolError,
  type MintAccessTokenInput,
  mintAccessToken,
  ProtocolError,
  TOKEN_TYPE_BEARER,
  TOKEN_TYPE_DPOP,
  verifyIdJag,
} from '@openxaa/protocol'
import type { AsResource, IssuerTrust, RedemptionRows } from '@openxaa/store'
import { decodeJwt } from 'jose'
import { AUDIT_ACTIONS, type AuditFields, clientActor, recordDecision, recordRefusal } from '../audit.js'
import type { AuthenticatedClient } from '../client-auth/authenticate.js'
import type { RedemptionContext } from '../context.js'
import { lookUpTrust, type ResolvedTrust } from '../policy/issuer-trust.js'
import { decideScopes } from '../policy/scopes.js'
import { resolveSubject, type SubjectResolution } from '../policy/subject.js'

/** One redemption: the assertion, the authenticated client, and what the request added. */
export interface RedeemIdJagRequest {
  /** The ID-JAG (`assertion` form parameter). Never logged or audited. */
  assertion: string
  /** The client, authenticated by the caller (step 1), e.g. with `authenticateClient`. */
  client: AuthenticatedClient
  /** RFC 7638 thumbprint of a DPoP proof the caller verified for this request (`verifyDpopProof().jkt`). */
  dpopJkt?: string
  /** The request's `scope` parameter, parsed; narrows the grant. */
  scopes?: readonly string[]
  /** The request's `resource` parameters; each must be in the ID-JAG. */
  resources?: readonly string[]
  /** Correlates the audit event with the caller's logs. */
  requestId?: string
  /**
   * Signs the access token claims instead of the store's `as` key (an embedding AS with its own keys). Default:
   * `mintAccessToken` with `context.signingKey()`.
   */
  mint?: (claims: MintAccessTokenInput, lifetime: number) => Promise<string>
  /**
   * The rows this redemption needs, read in one query beforehand ({@link readRedemptionRows}); each is used only
   * when its key matches the verified claims, else read again. Absent: each row is read when it is needed.
   */
  rows?: RedemptionRows
}

/** A granted access token and what the response and the caller need to know. */
export interface RedeemedAccessToken {
  accessToken: string
  tokenType: typeof TOKEN_TYPE_BEARER | typeof TOKEN_TYPE_DPOP
  expiresIn: number
  scopes: string[]
  /** The access token's audience: the ID-JAG's resource(s). */
  resources: string[]
  organizationId: string
  /** The local account the token's `sub` names. */
  accountId: string
  resolution: SubjectResolution
  /** The verified ID-JAG claims. */
  idJag: IdJagClaims
}

type UnverifiedClaims = { iss?: string; sub?: string; tenant?: string; resource?: string }

// The last assertion read: a redemption reads its unverified claims twice (to choose the rows to read, then for the
// audit fields), and the decoding is a sizeable share of a request. Synchronous, so no other request interleaves.
let lastAssertion: string | undefined
let lastClaims: UnverifiedClaims = {}

function unverifiedClaims(assertion: string): UnverifiedClaims {
  if (assertion !== lastAssertion) {
    lastClaims = decodeUnverified(assertion)
    lastAssertion = assertion
  }
  return lastClaims
}

function decodeUnverified(assertion: string): UnverifiedClaims {
  try {
    const payload = decodeJwt(assertion)
    const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 512) : undefined)
    return {
      iss: str(payload.iss),
      sub: str(payload.sub),
      tenant: str(payload.tenant),
      resource: str(payload.resource),
    }
  } catch {
    return {}
  }
}

/**
 * Reads, in one query, the client row, the trusts of the assertion's issuer with the accounts linked to its subject,
 * and the resource it names: the unverified claims only choose what to read, {@link redeemIdJag} and
 * `authenticateClient` use a row only when their own key matches the one it was read with.
 */
export function readRedemptionRows(
  context: RedemptionContext,
  clientId: string,
  assertion: string | undefined,
): Promise<RedemptionRows> {
  const hint = assertion === undefined ? {} : unverifiedClaims(assertion)
  return context.store.authServer.redemptionRows.read({
    clientId,
    issuer: hint.iss,
    subject: hint.sub,
    resource: hint.resource,
  })
}

function targetResources(idJagResources: readonly string[], requested: readonly string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) return [...idJagResources]
  const outside = requested.filter((r) => !idJagResources.includes(r))
  if (outside.length > 0) {
    throw new ProtocolError('ERR_RESOURCE_INVALID', 'the resource parameter does not match the assertion', {
      rule: '2(d).12 RFC 8707',
      detail: `${outside.length} requested resource(s) not in the assertion resource claim`,
    })
  }
  return [...requested]
}

/**
 * Redeems an ID-JAG presented by an already authenticated client: verifies it against the issuer trust of the
 * client's organization, records its `jti`, resolves the subject, intersects scopes and mints an RFC 9068 access
 * token whose `aud` is the ID-JAG's resource. Refusals are {@link ProtocolError}s (`invalid_grant` for every
 * ID-JAG failure, `invalid_target`/`invalid_scope` for request parameters); each outcome is audited with its
 * reason and rule, never the token.
 *
 * @example
 * const context = createRedemptionContext({ store }, { issuer: 'https://as.chat.example' })
 * const client = await authenticateClient(context, { headers: request.headers, form })
 * const { accessToken, expiresIn, scopes } = await redeemIdJag(context, { assertion, client })
 * @see spec/xaa-protocol.md 2(d), docs/embed-the-verifier.md
 */
export async function redeemIdJag(
  context: RedemptionContext,
  request: RedeemIdJagRequest,
): Promise<RedeemedAccessToken> {
  const { client, assertion } = request
  const { options, store } = context
  const hint = unverifiedClaims(assertion)
  const prefetched = request.rows?.key.clientId === client.clientId ? request.rows : undefined
  const fields: AuditFields = { clientId: client.clientId, issuer: hint.iss, subject: hint.sub, tenant: hint.tenant }
  if (request.requestId !== undefined) fields.requestId = request.requestId
  let matched: IssuerTrust | undefined
  let disabled: IssuerTrust | undefined
  // Each resource row is read once per request (2(d) checks it is known, 2(d).13 reads its scopes); the one the
  // unverified assertion names is read at once, while the signature is checked. Only verified claims decide.
  const resourceRows = new Map<string, Promise<AsResource | undefined>>()
  const resourceRow = (uri: string) => {
    let row = resourceRows.get(uri)
    if (row === undefined) {
      const read = prefetched === undefined ? null : prefetched.resource(uri)
      row = read === null ? store.authServer.resources.get(uri) : Promise.resolve(read)
      row.catch(() => {})
      resourceRows.set(uri, row)
    }
    return row
  }
  if (hint.resource !== undefined) resourceRow(hint.resource)

  // 2(d).7: verifyIdJag only notes the jti; it is recorded after every other check, in one write with the allow
  // event (one statement on PostgreSQL): a jti is never consumed without its event, and a replay is still refused
  // before any answer. A replay costs a signature that is thrown away.
  let use: { iss: string; jti: string; exp: number } | undefined
  const noteUse = {
    firstUse: async (iss: string, jti: string, exp: number) => {
      use = { iss, jti, exp }
      return true
    },
  }
  try {
    const verified = await verifyIdJag<ResolvedTrust>(assertion, {
      issuer: options.issuer,
      tokenEndpoint: options.endpoints.token,
      clientId: client.clientId,
      trustedIssuer: async (iss) => {
        const found = await lookUpTrust(context, iss, hint.tenant, client, prefetched)
        disabled = found.disabled
        matched = found.trust?.row ?? found.disabled
        return found.trust
      },
      resources: async (uri) => (await resourceRow(uri)) !== undefined,
      replay: options.replay === 'representation' ? ALLOW_ID_JAG_REPRESENTATION : noteUse,
      clockSkew: options.clockSkew,
      maxLifetime: options.idJagMaxLifetime,
      now: context.nowSeconds(),
      ...(request.dpopJkt === undefined ? {} : { dpopJkt: request.dpopJkt }),
      requireDpop: options.requireDpop,
    })
    const trust = verified.issuer.row
    Object.assign(fields, { organization: trust.organizationId, subject: verified.claims.sub })

    // 2(d).10 subject → local account of the trust's organization
    const { account, resolution } = await resolveSubject(context, trust, verified.claims, prefetched)
    fields.userId = account.id

    // 2(d).12 / RFC 8707: the token is for the ID-JAG's resource (narrowed by `resource` if sent)
    const targets = targetResources(verified.resources, request.resources)
    fields.resource = targets.join(' ')
    const rows = (await Promise.all(targets.map(resourceRow))).filter((r): r is AsResource => r !== undefined)

    // 2(d).13 scopes: ID-JAG ∩ resource ∩ request
    const { granted, dropped } = decideScopes(verified.scopes, rows, request.scopes)

    // 2(d).16 RFC 9068 access token, aud = the MCP resource, bound to the DPoP key when a proof came (decision 8)
    const claims: MintAccessTokenInput = {
      iss: options.issuer,
      sub: account.id,
      aud: targets.length === 1 ? targets[0]! : targets,
      client_id: client.clientId,
      tenant: trust.organizationId,
    }
    if (granted.length > 0) claims.scope = granted.join(' ')
    for (const name of ['auth_time', 'acr', 'amr'] as const) {
      if (verified.claims[name] !== undefined) Object.assign(claims, { [name]: verified.claims[name] })
    }
    if (request.dpopJkt !== undefined) claims.cnf = { jkt: request.dpopJkt }
    const lifetime = options.accessTokenLifetime
    let accessToken: string
    let at: { jti?: unknown; exp?: unknown }
    if (request.mint) {
      accessToken = await request.mint(claims, lifetime)
      at = decodeJwt(accessToken)
    } else {
      // The token's jti and exp, for the audit event, as minted (not decoded back out of the token).
      const now = context.nowSeconds()
      at = { jti: randomBytes(16).toString('base64url'), exp: now + lifetime }
      accessToken = await mintAccessToken({ ...claims, jti: at.jti as string }, await context.signingKey(), {
        now,
        lifetime,
      })
    }
    const tokenType = request.dpopJkt === undefined ? TOKEN_TYPE_BEARER : TOKEN_TYPE_DPOP

    const allow: AuditFields = {
      ...fields,
      audience: options.issuer,
      data: {
        scopes: granted,
        droppedScopes: dropped,
        tokenType,
        linking: resolution,
        at: { jti: at.jti, exp: at.exp },
        idJag: { jti: verified.claims.jti },
      },
    }
    const actor = clientActor(client.clientId)
    if (use === undefined) {
      await recordDecision(context, AUDIT_ACTIONS.redeem, actor, 'allow', allow)
    } else {
      const event = { ...allow, actor, action: AUDIT_ACTIONS.redeem, decision: 'allow' as const }
      if (!(await store.replay.firstUseAudited(use.iss, use.jti, use.exp, event))) {
        throw new ProtocolError('ERR_ID_JAG_REPLAY', 'the assertion has already been used', {
          rule: '2(d).7 #19',
          detail: 'jti seen before',
        })
      }
    }
    return {
      accessToken,
      tokenType,
      expiresIn: lifetime,
      scopes: granted,
      resources: targets,
      organizationId: trust.organizationId,
      accountId: account.id,
      resolution,
      idJag: verified.claims,
    }
  } catch (err) {
    let refusal = err
    // A trust exists but is switched off: the public answer stays "not trusted", the audit says why.
    if (isProtocolError(err) && err.code === 'ERR_ID_JAG_ISSUER' && disabled !== undefined) {
      refusal = new ProtocolError('ERR_ID_JAG_TRUST_DISABLED', err.description, {
        rule: '2(d).3 #16 decision 7',
        detail: `issuer trust ${disabled.id} is disabled`,
      })
    }
    if (matched !== undefined) fields.organization = matched.organizationId
    await recordRefusal(context, AUDIT_ACTIONS.redeem, clientActor(client.clientId), refusal, fields)
    throw refusal
  }
}
