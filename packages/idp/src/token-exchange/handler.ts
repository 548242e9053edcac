/**
 * The token-exchange grant that issues ID-JAGs, in the order of 2(b): client (authenticated by oidc-provider) enabled
 * for cross-app access → request parsed → subject token validated → (audience, resource, scopes) resolved → policy →
 * DPoP → ID-JAG minted → audited → answered. Every refusal is an OAuth JSON error with the status of its code and an
 * audit event with the precise reason; no token ever appears in either.
 * @see ../../../../shared/spec/xaa-protocol.md 2(b), 2(c), checklist #1-#14, section 8.3
 */
import { randomBytes } from 'node:crypto'
import { rateLimitedAnswer } from '@openxaa/ops'
import {
  buildTokenExchangeResponse,
  GRANT_TYPE_TOKEN_EXCHANGE,
  isProtocolError,
  mintIdJag,
  oauthErrorStatus,
  ProtocolError,
  TOKEN_TYPE_ID_TOKEN,
  toOAuthErrorBody,
} from '@openxaa/protocol'
import { type AuditEventInput, type IdpExchangeRows, userConnectionTarget } from '@openxaa/store'
import type Provider from 'oidc-provider'
import type { KoaContextWithOIDC } from 'oidc-provider'
import { AUDIT_ACTIONS, recordQuietly } from '../audit.js'
import type { IdpRuntime } from '../context.js'
import { IDP_KEY_PURPOSE } from '../provider/holder.js'
import { limitByClient } from '../rate-limit.js'
import { requestIdOfIncoming, withRequestId } from '../request-id.js'
import { dpopThumbprint } from './dpop.js'
import { evaluatePolicy } from './policy.js'
import { parseExchange, peekExchange, type TokenExchangeForm } from './request.js'
import { validateIdToken, validateRefreshToken } from './subject-token.js'
import { checkScopesKnown, resolveTarget } from './target.js'

type EventContext = Omit<AuditEventInput, 'actor' | 'action' | 'decision'>

/** One token-exchange request whose client is authenticated, whoever parsed it (oidc-provider or `route.ts`). */
export interface ExchangeInput {
  clientId: string
  /** The exchange's rows, when the caller already read them ({@link readExchangeRows}). */
  rows?: IdpExchangeRows
  /** The request parameters. */
  form: TokenExchangeForm
  /** The `DPoP` header, '' when absent. */
  dpop: string
  /** The provider instance, for refresh-token subject tokens. */
  provider(): Promise<Provider>
  /** The request's id (`X-Request-Id`), recorded on its audit event. */
  requestId?: string | undefined
}

/** An issued ID-JAG: the response body and what its audit event records. */
export interface ExchangeResult {
  body: object
  data: Record<string, unknown>
}

/**
 * Every row an exchange needs, in one query (`store.idp.exchange.rows`): the client, the user with their groups, the
 * audience's application with its resources and this client's connections, the blocks in force, the current signing
 * key. `userId` may come from an ID token whose signature is not checked yet: the exchange uses the rows only when
 * it is the verified subject (and the audience the parsed one), and reads again otherwise. Nothing is cached: a user,
 * client or connection disabled, a block, or a key rotated through any replica applies to the next exchange here.
 */
export function readExchangeRows(
  runtime: IdpRuntime,
  clientId: string,
  key: { userId: string | undefined; audience: string | undefined },
): Promise<IdpExchangeRows> {
  return runtime.store.idp.exchange.rows({ clientId, ...key, keyPurpose: IDP_KEY_PURPOSE, now: runtime.now() })
}

async function exchange(runtime: IdpRuntime, input: ExchangeInput, event: EventContext): Promise<ExchangeResult> {
  const { store, options } = runtime
  const { clientId } = input
  const nowSeconds = Math.floor(runtime.now() / 1000)
  let rows = input.rows ?? (await readExchangeRows(runtime, clientId, peekExchange(input.form)))

  // 2(b).1 [#1]: the client is authenticated; it must also be a confidential client enabled for XAA.
  const client = rows.client?.client
  if (!client?.grantTypes.includes(GRANT_TYPE_TOKEN_EXCHANGE) || client.tokenEndpointAuthMethod === 'none') {
    throw new ProtocolError('ERR_CLIENT_NOT_ENABLED', 'this client may not request identity assertion grants', {
      rule: '2(b).1',
      detail: client?.tokenEndpointAuthMethod === 'none' ? 'public client' : 'token exchange not among its grant types',
    })
  }

  const request = parseExchange(input.form)
  event.audience = request.audience
  if (request.actorToken !== undefined) {
    throw new ProtocolError('ERR_ACTOR_TOKEN', 'actor_token is not supported', { rule: '2(b).3' })
  }
  if (request.authorizationDetails !== undefined) {
    throw new ProtocolError('ERR_AUTHORIZATION_DETAILS_INVALID', 'authorization_details is not supported', {
      rule: '2(b).5',
    })
  }

  // 2(b).2 [#2, #3]: the subject token, then the user as the directory knows them now.
  const subject =
    request.subjectTokenType === TOKEN_TYPE_ID_TOKEN
      ? await validateIdToken(runtime, request.subjectToken, clientId)
      : await validateRefreshToken(await input.provider(), request.subjectToken, clientId)
  event.userId = subject.userId
  event.subject = subject.userId
  // The rows were read for the subject and audience the request named; read again if they are not these.
  if (!rows.covers(clientId, subject.userId, request.audience)) {
    rows = await readExchangeRows(runtime, clientId, { userId: subject.userId, audience: request.audience })
  }
  const { subject: directory, target: found } = rows
  if (directory === undefined) {
    throw new ProtocolError('ERR_SUBJECT_TOKEN_INVALID', 'the subject token is not valid', {
      rule: '2(b).2',
      detail: 'the subject is not in the directory',
    })
  }
  const { user } = directory

  // 2(b).5, 2(b).10 [#4, #6, #9]: audience → application (issuer), resource governed by it, scopes it offers.
  const { application, resource } = resolveTarget(found, request.audience, request.resources)
  event.audience = application.issuer
  event.resource = resource.uri
  checkScopesKnown(resource, request.scopes)

  // 2(b).4, 2(b).8 [#8, #11]: blocks, user, managed connection, sign-in age, scope narrowing.
  const connection = found?.connections.get(resource.uri)
  // A user's own revocation of this connection is a block on (connection, user). The rows hold the first block in
  // force for each resource the application governs; the repository's own read is the fallback.
  const block = rows.block(resource.uri)
  const blocks =
    block !== null
      ? block === undefined
        ? []
        : [block]
      : await store.idp.blocks.activeFor(
          {
            user: user.id,
            client: clientId,
            application: application.id,
            ...(connection === undefined ? {} : { user_connection: userConnectionTarget(connection.id, user.id) }),
          },
          runtime.now(),
        )
  const decision = evaluatePolicy({
    user,
    userGroups: directory.groupIds,
    blocks,
    connection,
    resource,
    requestedScopes: request.scopes,
    authTime: subject.authTime,
    now: nowSeconds,
  })

  // 2(b).9 [#13]: a DPoP proof binds the ID-JAG to its key.
  const jkt = await dpopThumbprint(runtime, input.dpop)

  // 2(b).6-7 [#5-#7, #10, #12]: the ID-JAG, with the client's id at that RAS and claims kept to what the RAS needs.
  const rasClientId = found?.rasClientId ?? clientId
  // The key current when the rows were read, a moment ago: if a rotation happened since, it is the previous key, still
  // published in the JWKS for its retirement delay. Read on its own only when the rows hold none.
  const key = (await rows.signingKey()) ?? (await store.keys.current(IDP_KEY_PURPOSE, runtime.now()))
  const jti = randomBytes(16).toString('base64url')
  const email = application.includeEmail && user.emailVerified ? (user.email ?? undefined) : undefined
  const idJag = await mintIdJag(
    {
      jti,
      iss: options.issuer,
      sub: user.id,
      aud: application.issuer,
      client_id: rasClientId,
      expiresIn: options.idJagLifetime,
      resource: resource.uri,
      ...(decision.grantedScopes.length > 0 ? { scope: decision.grantedScopes.join(' ') } : {}),
      tenant: options.tenant,
      ...(subject.authTime === undefined ? {} : { auth_time: subject.authTime }),
      ...(email === undefined ? {} : { email }),
      ...(jkt === undefined ? {} : { cnf: { jkt } }),
      // Only a verified address is ever sent, and said to be verified: resource ASes link accounts by email only
      // when `email_verified` is true (spec 2(d) step 10; an ID-JAG may carry any ID Token claim, 2(c)).
      ...(email === undefined ? {} : { extra: { email_verified: true } }),
    },
    { kid: key.kid, alg: key.alg as 'ES256', privateKey: key.privateKey },
    { now: nowSeconds },
  )
  return {
    body: buildTokenExchangeResponse({
      idJag,
      expiresIn: options.idJagLifetime,
      ...(request.scopes === undefined ? {} : { requestedScopes: request.scopes }),
      grantedScopes: decision.grantedScopes,
    }),
    data: {
      applicationId: application.id,
      connectionId: decision.connection.id,
      scope: decision.grantedScopes.join(' '),
      narrowed: decision.narrowed,
      jti,
      kid: key.kid,
      subjectTokenType: subject.tokenType,
      rasClientIdMapped: rasClientId !== clientId,
      dpop: jkt !== undefined,
    },
  }
}

/** What {@link handleTokenExchange} answers: status, JSON body, and headers beyond the JSON and no-store ones. */
export interface ExchangeAnswer {
  status: number
  body: object
  headers?: Record<string, string>
}

/**
 * Runs a token exchange for an authenticated client and audits it: the answer's status and JSON body. A refusal
 * is an OAuth error with its status; anything else (an audit that cannot be written) throws. The client's rate
 * limit is checked first, here, so both paths that authenticate clients (the Hono route and oidc-provider) apply it.
 */
export async function handleTokenExchange(runtime: IdpRuntime, input: ExchangeInput): Promise<ExchangeAnswer> {
  const { clientId } = input
  const limited = await limitByClient(runtime, clientId, input.requestId)
  if (limited !== undefined) {
    const { status, body, headers } = rateLimitedAnswer(limited)
    return { status, body, headers: { 'Retry-After': headers['Retry-After']! } }
  }
  const event: EventContext = { clientId, tenant: runtime.options.tenant, ...withRequestId(input.requestId) }
  const actor = { type: 'client', id: clientId }
  let result: ExchangeResult
  try {
    result = await exchange(runtime, input, event)
  } catch (err) {
    if (!isProtocolError(err)) throw err
    await recordQuietly(runtime.store.audit, runtime.logger, {
      ...event,
      actor,
      action: AUDIT_ACTIONS.idJagIssue,
      decision: 'deny',
      reason: err.code,
      ...(err.rule === undefined ? {} : { rule: err.rule }),
      ...(err.detail === undefined ? {} : { detail: err.detail }),
    })
    return { status: oauthErrorStatus(err.oauthError), body: toOAuthErrorBody(err) }
  }
  // An issuance that cannot be audited is not made: the append fails the request with server_error.
  await runtime.store.audit.append({
    ...event,
    actor,
    action: AUDIT_ACTIONS.idJagIssue,
    decision: 'allow',
    data: result.data,
  })
  return { status: 200, body: result.body }
}

/** The oidc-provider grant handler for `urn:ietf:params:oauth:grant-type:token-exchange`. */
export function tokenExchangeHandler(runtime: IdpRuntime) {
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const answer = await handleTokenExchange(runtime, {
      clientId: ctx.oidc.client!.clientId,
      form: ctx.oidc.body as Record<string, unknown> | undefined,
      dpop: ctx.get('dpop'),
      provider: async () => ctx.oidc.provider,
      requestId: requestIdOfIncoming(ctx.req),
    })
    ctx.status = answer.status
    ctx.body = answer.body
    for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value)
  }
}
