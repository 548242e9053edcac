import { AccessTokenBroker, type ServerAuthorization } from './access/broker.js'
import type { ResourceChallenge } from './discovery/challenge.js'
import { DpopSigner } from './dpop/signer.js'
import { XaaError } from './errors.js'
import { wrapFetch } from './fetch.js'
import { signInWithBrowser } from './idp/authorization-code.js'
import { type OpenBrowser, openSystemBrowser } from './idp/browser.js'
import { type DeviceCodePrompt, signInWithDevice } from './idp/device.js'
import { type Identity, IdpSession } from './idp/session.js'
import { type ClientContext, StoreAccess, type XaaLogger } from './internal/context.js'
import { postTokenRequest } from './internal/token-endpoint.js'
import { canonicalServerUrl } from './internal/urls.js'
import { type ResolvedOptions, resolveOptions, type XaaClientOptions } from './options.js'
import { FileTokenStore } from './token-store/file.js'
import { defaultTokenStorePath } from './token-store/paths.js'
import type { StoredAccessToken, TokenStore } from './token-store/types.js'

/** What the client is given rather than creating itself: I/O, time and persistence. */
export interface XaaClientDeps {
  /** Default: the global fetch. */
  fetch?: typeof fetch
  /** Epoch milliseconds, like `Date.now` (the default). */
  clock?: () => number
  /** Default: {@link FileTokenStore} at {@link defaultTokenStorePath}. */
  store?: TokenStore
  /** Default: the system browser. Tests pass a function that follows the URL with fetch. */
  openBrowser?: OpenBrowser
  /** Debug log; never receives a token, a secret or an authorization code. */
  logger?: XaaLogger
  /** Called when the client starts waiting on the network or on the user (`'asking the IdP for an ID-JAG'`). */
  onProgress?: (stage: string) => void
}

/** How to sign in. */
export interface SignInOptions {
  /** `browser` (authorization code + PKCE, loopback redirect) or `device` (RFC 8628). Default `browser`. */
  method?: 'browser' | 'device'
  /** Device grant: shows the user code. Default: none (then the prompt is only in the progress stage). */
  onUserCode?: (prompt: DeviceCodePrompt) => void | Promise<void>
  /** Browser grant: how long to wait for the user, ms. */
  timeoutMs?: number
  signal?: AbortSignal
}

/** An access token for one MCP server, with what it is for. */
export interface AccessToken {
  accessToken: string
  tokenType: 'Bearer' | 'DPoP'
  /** Epoch seconds. */
  expiresAt: number
  scopes: string[]
  resource: string
  issuer: string
}

/** Options of {@link XaaClient.getAccessToken}. */
export interface GetAccessTokenOptions {
  /** Scopes needed beyond the default selection (challenge scope, else `scopes_supported`). */
  scopes?: readonly string[]
  /** Skip the cache: get a new token through a fresh ID-JAG. */
  renew?: boolean
  /** A 401/403 challenge already received from the server. */
  challenge?: ResourceChallenge
}

/**
 * A Cross-App Access client: one sign-in at the enterprise IdP, then access tokens for any MCP server whose
 * authorization server accepts ID-JAGs.
 *
 * @see xaa-protocol.md section 2
 */
export interface XaaClient {
  readonly options: ResolvedOptions
  /** Signs the user in at the IdP and stores the session. */
  signIn(options?: SignInOptions): Promise<Identity>
  /** Forgets the session and every access token; revokes the IdP refresh token when the IdP can (RFC 7009). */
  signOut(): Promise<void>
  /** Who is signed in (from the stored, validated ID token), without network. */
  identity(): Promise<Identity | undefined>
  /** How an MCP server is protected: its resource and its authorization server. */
  discover(serverUrl: string): Promise<ServerAuthorization>
  /** An access token for an MCP server: cached until shortly before expiry, else obtained through a fresh ID-JAG. */
  getAccessToken(serverUrl: string, options?: GetAccessTokenOptions): Promise<AccessToken>
  /**
   * The token a request to this server carries now: the cached one, a renewed one when the server was discovered
   * before, or undefined for a server never seen (its first request goes without a token and meets the 401).
   */
  currentAccessToken(serverUrl: string): Promise<AccessToken | undefined>
  /** A fetch that authorizes requests to MCP servers (see {@link createXaaFetch}). */
  readonly fetch: typeof fetch
  /** The same behaviour over another fetch implementation. */
  createFetch(base?: typeof fetch): typeof fetch
}

/**
 * Builds a client. Options are checked here (a TypeError names the bad path); nothing touches the network until a
 * method is called.
 *
 * @example
 * ```ts
 * const xaa = createXaaClient({
 *   idp: { issuer: 'https://idp.acme.example', clientId: 'agent', auth: { clientSecret } },
 *   authorizationServers: { 'https://as.chat.example': { clientId: 'agent-at-chat', clientSecret: chatSecret } },
 * })
 * await xaa.signIn()
 * const res = await xaa.fetch('https://mcp.chat.example/mcp', { method: 'POST', body })
 * ```
 * @see xaa-protocol.md section 2; section 8 decisions 1, 2 and 6
 */
export function createXaaClient(options: XaaClientOptions, deps: XaaClientDeps = {}): XaaClient {
  const resolved = resolveOptions(options)
  const clock = deps.clock ?? Date.now
  const baseFetch = deps.fetch ?? globalThis.fetch
  const logger = deps.logger
  const ctx: ClientContext = {
    options: resolved,
    http: { fetch: baseFetch, timeoutMs: resolved.timeoutMs },
    nowMs: clock,
    nowSeconds: () => Math.floor(clock() / 1000),
    store: new StoreAccess(deps.store ?? new FileTokenStore(defaultTokenStorePath())),
    dpop: resolved.dpop === undefined ? undefined : new DpopSigner(resolved.dpop),
    log: (message, fields) => logger?.debug(message, fields),
    progress: (stage) => deps.onProgress?.(stage),
  }
  const session = new IdpSession(ctx)
  const broker = new AccessTokenBroker(ctx, session)
  const fetchFor = (base: typeof fetch) => wrapFetch(ctx, broker, base)

  return Object.freeze({
    options: resolved,
    async signIn(signIn: SignInOptions = {}) {
      if (signIn.method === 'device') {
        await signInWithDevice(ctx, session, {
          onUserCode: signIn.onUserCode ?? (() => {}),
          ...(signIn.signal === undefined ? {} : { signal: signIn.signal }),
        })
      } else {
        await signInWithBrowser(ctx, session, {
          openBrowser: deps.openBrowser ?? openSystemBrowser,
          ...(signIn.timeoutMs === undefined ? {} : { timeoutMs: signIn.timeoutMs }),
          ...(signIn.signal === undefined ? {} : { signal: signIn.signal }),
        })
      }
      const identity = await session.identity()
      ctx.log('signed in', { issuer: resolved.idp.issuer })
      return identity!
    },
    async signOut() {
      const stored = await session.stored()
      if (stored?.refreshToken !== undefined) await revokeQuietly(ctx, session, stored.refreshToken)
      await ctx.store.clear()
      ctx.log('signed out')
    },
    identity: () => session.identity(),
    async discover(serverUrl: string) {
      const found = await broker.discover(canonicalServerUrl(serverUrl))
      const { resource, issuer, scopesSupported, resourceName, idJagProfile } = found
      return { serverUrl: found.serverUrl, resource, issuer, scopesSupported, resourceName, idJagProfile }
    },
    async getAccessToken(serverUrl: string, request: GetAccessTokenOptions = {}) {
      return publicToken(await broker.get(canonicalServerUrl(serverUrl), request))
    },
    async currentAccessToken(serverUrl: string) {
      const url = canonicalServerUrl(serverUrl)
      const cached = await broker.cached(url)
      if (cached !== undefined) return publicToken(cached)
      return (await broker.known(url)) ? publicToken(await broker.get(url)) : undefined
    },
    fetch: fetchFor(baseFetch),
    createFetch: (base?: typeof fetch) => fetchFor(base ?? baseFetch),
  })
}

function publicToken(token: StoredAccessToken): AccessToken {
  const { accessToken, tokenType, expiresAt, scopes, resource, issuer } = token
  return { accessToken, tokenType, expiresAt, scopes, resource, issuer }
}

// Logout must work offline too: a revocation failure is logged, never raised.
async function revokeQuietly(ctx: ClientContext, session: IdpSession, refreshToken: string): Promise<void> {
  try {
    const endpoint = (await session.metadata()).revocation_endpoint
    if (endpoint === undefined) return
    await postTokenRequest(ctx.http, {
      url: endpoint,
      issuer: ctx.options.idp.issuer,
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
      auth: await session.authentication(),
      nowSeconds: ctx.nowSeconds(),
    })
  } catch (error) {
    ctx.log('refresh token not revoked', { reason: error instanceof XaaError ? error.code : 'error' })
  }
}

/**
 * A fetch that reaches protected MCP servers through cross-app access: pass it as the `fetch` of an MCP transport
 * (either SDK), or use it directly.
 *
 * @example
 * ```ts
 * const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: createXaaFetch(xaa) })
 * ```
 * @see xaa-protocol.md section 2(e)
 */
export function createXaaFetch(client: XaaClient, options: { fetch?: typeof fetch } = {}): typeof fetch {
  return options.fetch === undefined ? client.fetch : client.createFetch(options.fetch)
}
