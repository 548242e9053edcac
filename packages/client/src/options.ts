import type { SigningKey } from '@openxaa/protocol'
import type { CryptoKey } from 'jose'
import { assertIssuerIdentifierLoose, isHttpsOrLoopbackUrl } from './internal/urls.js'

/**
 * Lets the client use the ID-JAG grant at one resource AS whose metadata does not (yet) list the id-jag grant
 * profile, when it lists jwt-bearer. A named symbol, so no JSON file turns the check off by accident.
 *
 * @see xaa-protocol.md section 5, "How a client decides to use the flow (discovery)"
 */
export const ASSUME_ID_JAG_PROFILE: unique symbol = Symbol('ASSUME_ID_JAG_PROFILE')

/** A shared secret: sent in the Basic header or the form body, chosen from the server's metadata unless pinned. */
export interface SecretCredentials {
  clientSecret: string
  /** Pin the method; default: from `token_endpoint_auth_methods_supported` (basic first, RFC 8414 default). */
  method?: 'client_secret_basic' | 'client_secret_post'
}

/** `private_key_jwt` (RFC 7523 2.2): a signed client assertion with this key. */
export interface PrivateKeyCredentials {
  privateKey: SigningKey
}

/** How the client authenticates at the IdP; omitted means a public client (only `client_id` is sent). */
export type IdpClientAuthentication = SecretCredentials | PrivateKeyCredentials

/** The enterprise IdP, configured by the organization (it is never discovered from an MCP server). */
export interface IdpOptions {
  /** The IdP issuer identifier; its metadata is found by RFC 8414 / OIDC discovery. */
  issuer: string
  /** This client's `client_id` at the IdP. */
  clientId: string
  auth?: IdpClientAuthentication
  /** Scopes asked at sign-in. Default `openid offline_access` (the refresh token renews the ID token). */
  scopes?: readonly string[]
  /** The token endpoint, when the IdP publishes no discovery document (token exchange only, no sign-in). */
  tokenEndpoint?: string
}

/** The client's registration at one resource AS (keyed by its issuer; never used at another AS). */
export type AuthorizationServerCredentials = (
  | ({ clientId: string } & Partial<SecretCredentials> & Partial<PrivateKeyCredentials>)
  | ({ clientIdMetadataDocument: string } & Partial<PrivateKeyCredentials>)
) & { [ASSUME_ID_JAG_PROFILE]?: true }

/** A DPoP key pair (RFC 9449): with it, ID-JAGs must come back bound to it (`cnf.jkt`). */
export interface DpopKeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
  /** Default ES256. */
  alg?: string
}

/** Everything {@link createXaaClient} needs to know. */
export interface XaaClientOptions {
  idp: IdpOptions
  /** Per resource AS issuer (exactly as in its metadata): the client's credentials there. */
  authorizationServers?: Readonly<Record<string, AuthorizationServerCredentials>>
  /** The client's Client ID Metadata Document URL, used at any AS that supports CIMD and has no entry above. */
  clientIdMetadataDocument?: string
  dpop?: DpopKeyPair
  /** Renew an access token this many seconds before it expires. Default 60. */
  accessTokenMargin?: number
  /** Refresh the ID token this many seconds before it expires. Default 60. */
  idTokenMargin?: number
  /** Step-ups on 403 `insufficient_scope` per request. Default 2. */
  maxStepUps?: number
  /** Deadline of one HTTP request in ms. Default 10 000. */
  timeoutMs?: number
}

/** Options after checks, with defaults filled in. */
export interface ResolvedOptions {
  readonly idp: Readonly<Required<Pick<IdpOptions, 'issuer' | 'clientId' | 'scopes'>>> & {
    readonly auth: IdpClientAuthentication | undefined
    readonly tokenEndpoint: string | undefined
  }
  readonly authorizationServers: ReadonlyMap<string, AuthorizationServerCredentials>
  readonly clientIdMetadataDocument: string | undefined
  readonly dpop: DpopKeyPair | undefined
  readonly accessTokenMargin: number
  readonly idTokenMargin: number
  readonly maxStepUps: number
  readonly timeoutMs: number
}

function seconds(value: number | undefined, fallback: number, path: string, max = 3600): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new TypeError(`${path} must be an integer from 0 to ${max}`)
  }
  return value
}

function checkSecretOrKey(auth: Partial<SecretCredentials> & Partial<PrivateKeyCredentials>, path: string): void {
  if (auth.clientSecret !== undefined && auth.privateKey !== undefined) {
    throw new TypeError(`${path}: give clientSecret or privateKey, not both`)
  }
  if (auth.clientSecret !== undefined && (typeof auth.clientSecret !== 'string' || auth.clientSecret === '')) {
    throw new TypeError(`${path}.clientSecret must be a non-empty string`)
  }
  if (auth.method !== undefined && auth.method !== 'client_secret_basic' && auth.method !== 'client_secret_post') {
    throw new TypeError(`${path}.method must be client_secret_basic or client_secret_post`)
  }
  if (auth.method !== undefined && auth.clientSecret === undefined) {
    throw new TypeError(`${path}.method needs clientSecret`)
  }
  const key = auth.privateKey
  if (key !== undefined && (typeof key.kid !== 'string' || typeof key.alg !== 'string' || !key.privateKey)) {
    throw new TypeError(`${path}.privateKey must be a SigningKey ({ kid, alg, privateKey })`)
  }
}

/**
 * Checks the options once, when the client is built: a TypeError names the first bad path. Returns frozen options.
 *
 * @see style.md section 6 (options checked once)
 */
export function resolveOptions(options: XaaClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const { idp } = options
  if (typeof idp !== 'object' || idp === null) throw new TypeError('options.idp is required')
  assertIssuerIdentifierLoose(idp.issuer, 'options.idp.issuer')
  if (typeof idp.clientId !== 'string' || idp.clientId === '') {
    throw new TypeError('options.idp.clientId must be a non-empty string')
  }
  if (idp.auth !== undefined) checkSecretOrKey(idp.auth, 'options.idp.auth')
  if (idp.tokenEndpoint !== undefined && !isHttpsOrLoopbackUrl(idp.tokenEndpoint)) {
    throw new TypeError('options.idp.tokenEndpoint must be an https URL (http only on loopback)')
  }
  const scopes = [...(idp.scopes ?? ['openid', 'offline_access'])]
  if (!scopes.includes('openid')) throw new TypeError('options.idp.scopes must include openid')

  const servers = new Map<string, AuthorizationServerCredentials>()
  for (const [issuer, creds] of Object.entries(options.authorizationServers ?? {})) {
    const path = `options.authorizationServers["${issuer}"]`
    assertIssuerIdentifierLoose(issuer, `${path} (key)`)
    if (typeof creds !== 'object' || creds === null) throw new TypeError(`${path} must be an object`)
    if ('clientIdMetadataDocument' in creds) {
      if (
        !isHttpsOrLoopbackUrl(creds.clientIdMetadataDocument) ||
        new URL(creds.clientIdMetadataDocument).pathname === '/'
      ) {
        throw new TypeError(`${path}.clientIdMetadataDocument must be an https URL with a path`)
      }
      if ('clientSecret' in creds) throw new TypeError(`${path}: a CIMD client has no client secret`)
    } else {
      if (typeof creds.clientId !== 'string' || creds.clientId === '') {
        throw new TypeError(`${path}.clientId must be a non-empty string`)
      }
      checkSecretOrKey(creds, path)
    }
    servers.set(issuer, Object.freeze({ ...creds }))
  }
  const cimd = options.clientIdMetadataDocument
  if (cimd !== undefined && (!isHttpsOrLoopbackUrl(cimd) || new URL(cimd).pathname === '/')) {
    throw new TypeError('options.clientIdMetadataDocument must be an https URL with a path')
  }
  if (options.dpop !== undefined && (!options.dpop.privateKey || !options.dpop.publicKey)) {
    throw new TypeError('options.dpop must be a key pair { privateKey, publicKey }')
  }
  const maxStepUps = options.maxStepUps ?? 2
  if (!Number.isInteger(maxStepUps) || maxStepUps < 0 || maxStepUps > 5) {
    throw new TypeError('options.maxStepUps must be an integer from 0 to 5')
  }
  const timeoutMs = options.timeoutMs ?? 10_000
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new TypeError('options.timeoutMs must be a positive integer')

  return Object.freeze({
    idp: Object.freeze({
      issuer: idp.issuer,
      clientId: idp.clientId,
      scopes: Object.freeze(scopes) as string[],
      auth: idp.auth,
      tokenEndpoint: idp.tokenEndpoint,
    }),
    authorizationServers: servers,
    clientIdMetadataDocument: cimd,
    dpop: options.dpop,
    accessTokenMargin: seconds(options.accessTokenMargin, 60, 'options.accessTokenMargin'),
    idTokenMargin: seconds(options.idTokenMargin, 60, 'options.idTokenMargin'),
    maxStepUps,
    timeoutMs,
  })
}
