import {
  type AuthorizationServerMetadata,
  GRANT_PROFILE_ID_JAG,
  type ProtectedResourceMetadata,
} from '@openxaa/protocol'
import type { ClientAuthentication } from '../client-authentication/apply.js'
import { assertIdJagProfile, fetchAuthorizationServerMetadata } from '../discovery/authorization-server.js'
import { probeChallenge, type ResourceChallenge } from '../discovery/challenge.js'
import { discoverProtectedResource } from '../discovery/protected-resource.js'
import { SignInRequiredError, XaaError } from '../errors.js'
import type { IdpSession } from '../idp/session.js'
import { type IssuedIdJag, requestIdJag } from '../idp/token-exchange.js'
import type { ClientContext } from '../internal/context.js'
import { coversScopes, unionScopes } from '../internal/scopes.js'
import { redeemIdJag } from '../jwt-bearer/redeem.js'
import type { StoredAccessToken } from '../token-store/types.js'
import { authenticationAt } from './credentials.js'

/** Where a server's tokens come from, as discovery found it (public facts only). */
export interface ServerAuthorization {
  serverUrl: string
  /** The PRM `resource`: the audience of the access tokens. */
  resource: string
  /** The resource AS issuer that issues them. */
  issuer: string
  scopesSupported: string[] | undefined
  resourceName: string | undefined
  /** Whether the AS metadata lists the id-jag grant profile (without it, tokens are refused unless assumed). */
  idJagProfile: boolean
}

interface Discovery extends ServerAuthorization {
  prm: ProtectedResourceMetadata
  metadata: AuthorizationServerMetadata
}

/** Options of one access-token request. */
export interface AccessTokenRequest {
  /** The challenge of the 401/403 that prompted the request. */
  challenge?: ResourceChallenge | undefined
  /** Scopes needed beyond the ones already held (step-up). */
  scopes?: readonly string[]
  /** Ignore a cached token: after a 401 or for a step-up. */
  renew?: boolean
}

/**
 * Gets access tokens for MCP servers: discovery (PRM, AS metadata, grant profile, credentials), a fresh ID-JAG from
 * the IdP for every new token, redemption at the AS, and the cache per resource in the token store.
 *
 * @see xaa-protocol.md sections 2(b)-(e) and 6; section 8 decision 1 (renew by a fresh ID-JAG)
 */
export class AccessTokenBroker {
  readonly #ctx: ClientContext
  readonly #session: IdpSession
  readonly #discoveries = new Map<string, Promise<Discovery>>()

  constructor(ctx: ClientContext, session: IdpSession) {
    this.#ctx = ctx
    this.#session = session
  }

  /** Discovers (once per server URL, again after a failure or when asked) how the server is protected. */
  discover(serverUrl: string, challenge?: ResourceChallenge, again = false): Promise<Discovery> {
    let pending = again ? undefined : this.#discoveries.get(serverUrl)
    if (pending === undefined) {
      pending = this.#discover(serverUrl, challenge)
      this.#discoveries.set(serverUrl, pending)
      const stored = pending
      pending.catch(() => {
        if (this.#discoveries.get(serverUrl) === stored) this.#discoveries.delete(serverUrl)
      })
    }
    return pending
  }

  async #discover(serverUrl: string, challenge: ResourceChallenge | undefined): Promise<Discovery> {
    const { http, options } = this.#ctx
    this.#ctx.progress(`discovering how ${new URL(serverUrl).host} is protected`)
    const found = challenge ?? (await probeChallenge(http, serverUrl))
    const prm = await discoverProtectedResource(http, serverUrl, found?.resourceMetadata)
    // Prefer an AS this client is registered at; otherwise the first listed (its refusal names it).
    const issuer =
      prm.authorization_servers.find((candidate) => options.authorizationServers.has(candidate)) ??
      prm.authorization_servers[0]!
    const metadata = await fetchAuthorizationServerMetadata(http, issuer, 'authorization server')
    this.#ctx.log('server discovered', { server: serverUrl, resource: prm.resource, issuer })
    return {
      serverUrl,
      resource: prm.resource,
      issuer,
      scopesSupported: prm.scopes_supported,
      resourceName: prm.resource_name,
      idJagProfile: metadata.authorization_grant_profiles_supported?.includes(GRANT_PROFILE_ID_JAG) === true,
      prm,
      metadata,
    }
  }

  /** A usable cached token (not within the renewal margin, holding `scopes`), without any network call. */
  async cached(serverUrl: string, scopes: readonly string[] = []): Promise<StoredAccessToken | undefined> {
    const data = await this.#ctx.store.read()
    const binding = data.bindings[serverUrl]
    if (binding === undefined) return undefined
    const token = data.accessTokens[binding.resource]
    if (token === undefined || token.issuer !== binding.issuer) return undefined
    if (token.expiresAt - this.#ctx.options.accessTokenMargin <= this.#ctx.nowSeconds()) return undefined
    return coversScopes(token.scopes, scopes) ? token : undefined
  }

  /** True when this server URL was discovered before (its requests should carry a token from the start). */
  async known(serverUrl: string): Promise<boolean> {
    return (await this.#ctx.store.read()).bindings[serverUrl] !== undefined
  }

  /** The scopes asked for the server's current token, if any. */
  async requestedScopes(serverUrl: string): Promise<string[] | undefined> {
    const data = await this.#ctx.store.read()
    const binding = data.bindings[serverUrl]
    return binding === undefined ? undefined : data.accessTokens[binding.resource]?.requestedScopes
  }

  /** A token for the server: cached, or obtained through a fresh ID-JAG. */
  async get(serverUrl: string, request: AccessTokenRequest = {}): Promise<StoredAccessToken> {
    if (request.renew !== true) {
      const cached = await this.cached(serverUrl, request.scopes)
      if (cached !== undefined) return cached
    }
    const discovery = await this.discover(
      serverUrl,
      request.challenge,
      request.renew === true && request.scopes === undefined,
    )
    // The profile and the credentials first: no ID-JAG is minted for an AS that cannot or may not redeem it.
    assertIdJagProfile(discovery.metadata, this.#ctx.options.authorizationServers.get(discovery.issuer))
    const auth: ClientAuthentication = authenticationAt(this.#ctx.options, discovery.metadata)

    const data = await this.#ctx.store.read()
    const previous = data.accessTokens[discovery.resource]
    const held = previous?.issuer === discovery.issuer ? previous.requestedScopes : undefined
    // MCP scope selection: the challenge's scope, else scopes_supported; a step-up asks the union.
    const base = held ?? request.challenge?.scopes ?? discovery.scopesSupported ?? []
    const scopes = unionScopes(base, request.challenge?.scopes, request.scopes)
    const idJag = await this.#idJag(discovery, scopes)
    const token = await redeemIdJag(this.#ctx, {
      metadata: discovery.metadata,
      auth,
      idJag: idJag.idJag,
      resource: discovery.resource,
      scopes: idJag.scopes ?? scopes,
    })
    await this.#ctx.store.update((stored) => {
      stored.bindings[serverUrl] = { resource: discovery.resource, issuer: discovery.issuer }
      stored.accessTokens[discovery.resource] = token
    })
    return token
  }

  // A fresh ID-JAG for this AS. A refused subject token is renewed once through the IdP refresh token; only when
  // that fails is a new sign-in required.
  async #idJag(discovery: Discovery, scopes: string[]): Promise<IssuedIdJag> {
    const ask = (subjectToken: string) =>
      requestIdJag(this.#ctx, this.#session, {
        audience: discovery.issuer,
        resource: discovery.resource,
        scopes,
        subjectToken,
      })
    const subjectToken = await this.#session.idToken()
    try {
      return await ask(subjectToken)
    } catch (error) {
      if (!(error instanceof XaaError)) throw error
      if (error.oauthError === 'insufficient_user_authentication') {
        throw new SignInRequiredError('step-up-required', { oauthError: error.oauthError })
      }
      if (error.oauthError !== 'invalid_grant' && error.oauthError !== 'invalid_request') throw error
      this.#ctx.log('subject token refused; renewing it once', { error: error.oauthError })
      try {
        return await ask(await this.#session.idToken({ forceRefresh: true }))
      } catch (retry) {
        if (retry instanceof SignInRequiredError && retry.reason === 'session-expired') {
          throw new SignInRequiredError('subject-token-rejected', { oauthError: error.oauthError })
        }
        if (retry instanceof XaaError && retry.oauthError === 'invalid_grant') {
          throw new SignInRequiredError('subject-token-rejected', {
            oauthError: retry.oauthError,
            ...(retry.serverDescription === undefined ? {} : { serverDescription: retry.serverDescription }),
          })
        }
        throw retry
      }
    }
  }

  /** Drops the cached token of a server (after its resource server refused it). */
  async forget(serverUrl: string): Promise<void> {
    await this.#ctx.store.update((data) => {
      const binding = data.bindings[serverUrl]
      if (binding !== undefined) delete data.accessTokens[binding.resource]
    })
  }
}
