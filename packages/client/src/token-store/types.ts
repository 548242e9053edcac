/**
 * What the SDK keeps between runs. Tokens live only here; the document is read and written whole, so a store
 * implementation needs no knowledge of its content.
 */

/** The IdP session: the ID token (the subject token of every exchange) and the IdP refresh token. */
export interface StoredSession {
  /** Which IdP and client this session belongs to; a session of another IdP or client is never used. */
  issuer: string
  clientId: string
  idToken: string
  /** `exp` of the ID token, epoch seconds. */
  idTokenExpiresAt: number
  refreshToken?: string
  /** `sub` and a few display claims of the validated ID token. */
  subject: string
  email?: string
  name?: string
  /** When the user signed in, epoch seconds. */
  signedInAt: number
}

/** An access token for one resource, from one resource AS. */
export interface StoredAccessToken {
  accessToken: string
  tokenType: 'Bearer' | 'DPoP'
  /** Epoch seconds. */
  expiresAt: number
  /** Scopes granted (or requested, when the AS did not say). */
  scopes: string[]
  /** Scopes the client asked for; a request needing more triggers a new exchange. */
  requestedScopes: string[]
  /** The PRM `resource` the token is for. */
  resource: string
  /** The resource AS that issued it. */
  issuer: string
}

/** Where a server URL led during discovery (public facts, kept so a new process can use cached tokens). */
export interface StoredBinding {
  resource: string
  issuer: string
}

/** The whole document. */
export interface TokenStoreData {
  version: 1
  session?: StoredSession
  /** Keyed by `resource`. */
  accessTokens: Record<string, StoredAccessToken>
  /** Keyed by MCP server URL. */
  bindings: Record<string, StoredBinding>
}

/**
 * Pluggable persistence for {@link TokenStoreData}: a JSON file readable only by the user by default
 * ({@link FileTokenStore}), memory for tests and servers ({@link MemoryTokenStore}), or an OS keychain.
 *
 * @see xaa-protocol.md checklist item 31 (store tokens securely)
 */
export interface TokenStore {
  /** The stored document, or undefined when there is none. */
  read(): Promise<TokenStoreData | undefined>
  /** Replaces the document (atomically, where the medium allows). */
  write(data: TokenStoreData): Promise<void>
  /** Forgets everything. */
  clear(): Promise<void>
}

/** An empty document. */
export function emptyTokenStoreData(): TokenStoreData {
  return { version: 1, accessTokens: {}, bindings: {} }
}
