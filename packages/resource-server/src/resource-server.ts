import { isProtocolError, type ProtectedResourceMetadata, ProtocolError } from '@openxaa/protocol'
import type { AuthContext, TokenVerifier } from './auth-context.js'
import { type AuthRefusal, refusal } from './bearer/challenge.js'
import { type BearerRequestParts, bearerPartsOf, extractBearerToken } from './bearer/extract.js'
import { protectedResourceMetadataEndpoint } from './metadata/protected-resource.js'
import { type ResolvedResourceServerOptions, type ResourceServerOptions, resolveOptions } from './options.js'
import { createIntrospectionVerifier } from './verifier/introspection.js'
import { createJwtVerifier } from './verifier/jwt.js'

/** Per-request settings of {@link ResourceServer.authenticate}. */
export interface AuthenticateOptions {
  /** Every one of these must be granted, else 403 `insufficient_scope` naming all of them. */
  requiredScopes?: readonly string[]
}

/** An accepted request: who is calling, and the token (for the MCP SDK's `AuthInfo` only; never pass it on). */
export interface AuthSuccess {
  readonly ok: true
  readonly auth: AuthContext
  readonly token: string
}

/** The outcome of {@link ResourceServer.authenticate}. */
export type AuthVerdict = AuthSuccess | AuthRefusal

/** An MCP server's view of its authorization: metadata, token checks and challenges. */
export interface ResourceServer {
  readonly options: ResolvedResourceServerOptions
  /** The PRM URL advertised in `resource_metadata` (path-inserted well-known form). */
  readonly resourceMetadataUrl: string
  /** The paths the PRM document is served at. */
  readonly metadataPaths: readonly string[]
  /** The RFC 9728 document (frozen). */
  protectedResourceMetadata(): ProtectedResourceMetadata
  /** Answers a request for the PRM document at either well-known path; undefined for any other path. */
  metadataResponse(request: Request): Response | undefined
  /** Same as `metadataResponse`, from a method and a path, for Node servers. */
  metadataAnswer(
    method: string,
    path: string,
  ): { status: number; headers: Record<string, string>; body: string } | undefined
  /** Finds, verifies and scope-checks the bearer token of a web-standard request. Never throws for a bad token. */
  authenticate(request: Request, options?: AuthenticateOptions): Promise<AuthVerdict>
  /** {@link ResourceServer.authenticate} over request parts already taken apart (Node adapters). */
  authenticateParts(parts: BearerRequestParts, options?: AuthenticateOptions): Promise<AuthVerdict>
  /** Verifies a token and its scopes; refusals throw a ProtocolError. */
  verifyToken(token: string, requiredScopes?: readonly string[]): Promise<AuthContext>
  /** The HTTP answer for a refusal, with the challenge for an operation needing `scopes`. */
  refuse(error: ProtocolError, scopes?: readonly string[]): AuthRefusal
}

/**
 * Throws `ERR_INSUFFICIENT_SCOPE` (403) unless `auth` holds every scope in `required`; the error's `scope` extra
 * names all of `required`, not just the missing ones, as MCP asks of a challenge.
 *
 * @see RFC 6750 section 3.1 (insufficient_scope); spec/xaa-protocol.md section 6, server step 5
 */
export function assertScopes(auth: Pick<AuthContext, 'scopes'>, required: readonly string[]): void {
  const missing = required.filter((scope) => !auth.scopes.includes(scope))
  if (missing.length === 0) return
  throw new ProtocolError('ERR_INSUFFICIENT_SCOPE', 'the access token lacks a scope this request needs', {
    rule: '6.5 #37',
    detail: `missing scope ${missing.join(' ')}`,
    extra: { scope: required.join(' ') },
  })
}

/**
 * Sets up an MCP server as an OAuth protected resource: RFC 9728 metadata at both well-known locations, bearer
 * tokens from the `Authorization` header only, RFC 9068 JWT verification (keys cached, rotation-aware) or RFC 7662
 * introspection (short cache), and the 401/403/400 challenges of the MCP authorization spec. Options are checked
 * and frozen here; a bad one is a TypeError naming it.
 *
 * @example
 * const rs = createResourceServer({
 *   resource: 'https://notes.example/mcp', authorizationServers: ['https://as.notes.example'],
 *   scopesSupported: ['notes.read', 'notes.write'], resourceName: 'Notes',
 *   verifier: { type: 'jwt', issuer: 'https://as.notes.example' },
 * })
 * const verdict = await rs.authenticate(request, { requiredScopes: ['notes.read'] })
 * if (!verdict.ok) return verdict.response()
 * @see spec/xaa-protocol.md sections 2(e) and 6; checklist items 36 and 37
 */
export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  const o = resolveOptions(options)
  const prm = protectedResourceMetadataEndpoint(o)
  const verifier: TokenVerifier =
    o.verifier.type === 'jwt' ? createJwtVerifier(o.verifier, o) : createIntrospectionVerifier(o.verifier, o)

  function refuse(error: ProtocolError, scopes: readonly string[] = []): AuthRefusal {
    return refusal(error, { resourceMetadataUrl: prm.url, scopes, scopesSupported: o.scopesSupported })
  }

  async function verifyToken(token: string, requiredScopes: readonly string[] = []): Promise<AuthContext> {
    const auth = await verifier.verify(token)
    assertScopes(auth, requiredScopes)
    return auth
  }

  async function authenticateParts(parts: BearerRequestParts, opts: AuthenticateOptions = {}): Promise<AuthVerdict> {
    const required = opts.requiredScopes ?? []
    try {
      const token = extractBearerToken(parts)
      const auth = await verifyToken(token, required)
      return Object.freeze({ ok: true as const, auth, token })
    } catch (err) {
      if (isProtocolError(err)) return refuse(err, required)
      // Anything else is a bug or an outage, not the caller's fault: never a 401 that sends clients re-authorizing.
      throw err
    }
  }

  return Object.freeze({
    options: o,
    resourceMetadataUrl: prm.url,
    metadataPaths: prm.paths,
    protectedResourceMetadata: () => prm.document,
    metadataResponse: (request: Request) => prm.respond(request),
    metadataAnswer: (method: string, path: string) => prm.answer(method, path),
    authenticate: async (request: Request, opts?: AuthenticateOptions) =>
      authenticateParts(await bearerPartsOf(request), opts),
    authenticateParts,
    verifyToken,
    refuse,
  })
}
