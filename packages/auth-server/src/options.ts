/**
 * The options of {@link createAuthServer}: checked once, defaulted to the safe choices of spec section 8, frozen.
 * A bad option is a TypeError naming its path; dangerous switches take named symbols no JSON file can hold.
 * @see ../../../../shared/spec/xaa-protocol.md section 8; style.md section 6
 */
import { randomBytes } from 'node:crypto'
import { parseRateLimitOptions, type RateLimitOptions, type ResolvedRateLimits } from '@openxaa/ops'
import {
  ACCESS_TOKEN_DEFAULT_LIFETIME,
  ACCESS_TOKEN_MAX_LIFETIME,
  ALLOW_ID_JAG_REPRESENTATION,
  assertIssuerIdentifier,
  DEFAULT_CLOCK_SKEW,
  ID_JAG_MAX_LIFETIME,
} from '@openxaa/protocol'

/**
 * Lets Client ID Metadata Document URLs use plain http on a loopback host and resolve to loopback addresses.
 * For development and tests only: in production a client id URL must be https on a public address.
 * @deprecated marks a switch that must stand out in code review; it is not going away.
 * @see draft-ietf-oauth-client-id-metadata-document, security considerations (SSRF)
 */
export const ALLOW_LOOPBACK_CLIENT_METADATA: unique symbol = Symbol('ALLOW_LOOPBACK_CLIENT_METADATA')

/**
 * Lets Client ID Metadata Document fetches reach private, link-local and other non-public addresses.
 * @deprecated marks a switch that must stand out in code review; it is not going away.
 * @see draft-ietf-oauth-client-id-metadata-document, security considerations (SSRF)
 */
export const ALLOW_PRIVATE_NETWORK_CLIENT_METADATA: unique symbol = Symbol('ALLOW_PRIVATE_NETWORK_CLIENT_METADATA')

/** Client ID Metadata Document settings (MCP client registration; decision 6). */
export interface ClientMetadataDocumentOptions {
  /** Accept https URLs as `client_id`. Default true. */
  enabled?: boolean
  /** Accept documents whose `token_endpoint_auth_method` is `none` ([EMA] allows it). Default true. */
  allowPublicClients?: boolean
  /** Deadline of one fetch in milliseconds, body included. Default 3000. */
  timeout?: number
  /** Largest document in bytes. Default 5120 (the draft's recommendation). */
  maxBytes?: number
  /** How long a fetched document is reused, in seconds. Default 300. */
  ttl?: number
  allowLoopback?: typeof ALLOW_LOOPBACK_CLIENT_METADATA
  allowPrivateNetwork?: typeof ALLOW_PRIVATE_NETWORK_CLIENT_METADATA
}

/**
 * Options of {@link createAuthServer}. Only `issuer` is required. The rate limits (`rateLimitPerMinute`, default 600
 * per address on the token, introspection and revocation endpoints; `rateLimitPerClientPerMinute`, default 3000 per
 * authenticated client at the token endpoint; `rateLimitRedis`) are those of `@openxaa/ops` (checklist #29).
 */
export interface AuthServerOptions extends RateLimitOptions {
  /** This AS's issuer identifier: https (http only on loopback), no trailing slash, no query or fragment. */
  issuer: string
  /** Access token lifetime in seconds. Default 300, at most 3600 (decision 4). */
  accessTokenLifetime?: number
  /** Pass {@link ALLOW_ID_JAG_REPRESENTATION} to let an ID-JAG be redeemed again until `exp` (decision 1). */
  allowIdJagRepresentation?: typeof ALLOW_ID_JAG_REPRESENTATION
  /** Seconds of tolerance on `exp`, `nbf`, `iat`. Default 30. */
  clockSkew?: number
  /** Longest ID-JAG lifetime (`exp - iat`) accepted, in seconds. Default and cap 900 (decision 4). */
  idJagMaxLifetime?: number
  /** Refuse ID-JAGs presented without a DPoP proof (sender-constrained tokens only). Default false. */
  requireDpop?: boolean
  clientIdMetadataDocuments?: ClientMetadataDocumentOptions
  /** Serve the admin JSON API under `/admin/api`. Default true. */
  adminApi?: boolean
  /** Signing-key purpose in the store. Default `as`. */
  keyPurpose?: string
  /** Serve the admin console under `/console` (an admin API key, entered once, opens a session). Default true. */
  console?: boolean
  /**
   * Keys that sign the console's session cookies (the first signs, all verify), each at least 32 characters. Default:
   * one random key per instance, so console sessions end at a restart and do not span replicas.
   */
  cookieKeys?: readonly string[]
  /**
   * Behind a reverse proxy or load balancer that the AS cannot be reached around: the rate limits count the last
   * `X-Forwarded-For` entry (the one that proxy added) instead of the socket's peer, which would be the proxy
   * itself for every request. Default false: the header is the caller's to forge.
   */
  trustProxy?: boolean
}

/** The endpoint URLs, derived from the issuer. */
export interface AuthServerEndpoints {
  token: string
  jwks: string
  authorization: string
  introspection: string
  revocation: string
}

/** Options after {@link parseOptions}: complete and frozen. */
export interface ResolvedOptions {
  readonly issuer: string
  /** The issuer's path ('' for none): every route lives under it. */
  readonly basePath: string
  readonly endpoints: Readonly<AuthServerEndpoints>
  readonly accessTokenLifetime: number
  readonly replay: 'single-use' | 'representation'
  readonly clockSkew: number
  readonly idJagMaxLifetime: number
  readonly requireDpop: boolean
  readonly clientIdMetadataDocuments: Readonly<{
    enabled: boolean
    allowPublicClients: boolean
    timeout: number
    maxBytes: number
    ttl: number
    allowLoopback: boolean
    allowPrivateNetwork: boolean
  }>
  readonly adminApi: boolean
  /** Per address and per client, a limit of 0 being off; Redis when configured. */
  readonly rateLimits: ResolvedRateLimits
  readonly keyPurpose: string
  readonly console: boolean
  readonly cookieKeys: readonly string[]
  readonly trustProxy: boolean
}

function seconds(value: unknown, fallback: number, path: string, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${path} must be an integer from ${min} to ${max}`)
  }
  return value
}

function flag(value: unknown, fallback: boolean, path: string): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new TypeError(`${path} must be a boolean`)
  return value
}

function symbolSwitch(value: unknown, symbol: symbol, path: string, name: string): boolean {
  if (value === undefined) return false
  if (value !== symbol) throw new TypeError(`${path} must be the ${name} symbol exported by this package`)
  return true
}

/**
 * Validates, defaults and freezes the options; a TypeError names the first bad option.
 * @example parseOptions({ issuer: 'https://as.chat.example' }).endpoints.token // 'https://as.chat.example/token'
 */
export function parseOptions(options: AuthServerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  assertIssuerIdentifier(options.issuer, 'options.issuer')
  const issuer = options.issuer
  const basePath = new URL(issuer).pathname.replace(/\/$/, '')
  const cimd = options.clientIdMetadataDocuments ?? {}
  if (typeof cimd !== 'object' || cimd === null)
    throw new TypeError('options.clientIdMetadataDocuments must be an object')
  const keyPurpose = options.keyPurpose ?? 'as'
  if (typeof keyPurpose !== 'string' || !/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(keyPurpose)) {
    throw new TypeError('options.keyPurpose must be a short lower-case name')
  }
  const cookieKeys = options.cookieKeys ?? [randomBytes(32).toString('base64url')]
  if (
    !Array.isArray(cookieKeys) ||
    cookieKeys.length === 0 ||
    !cookieKeys.every((k) => typeof k === 'string' && k.length >= 32)
  ) {
    throw new TypeError('options.cookieKeys must be a non-empty array of strings of at least 32 characters')
  }
  const resolved: ResolvedOptions = {
    issuer,
    basePath,
    endpoints: Object.freeze({
      token: `${issuer}/token`,
      jwks: `${issuer}/jwks`,
      authorization: `${issuer}/authorize`,
      introspection: `${issuer}/introspect`,
      revocation: `${issuer}/revoke`,
    }),
    accessTokenLifetime: seconds(
      options.accessTokenLifetime,
      ACCESS_TOKEN_DEFAULT_LIFETIME,
      'options.accessTokenLifetime',
      1,
      ACCESS_TOKEN_MAX_LIFETIME,
    ),
    replay: symbolSwitch(
      options.allowIdJagRepresentation,
      ALLOW_ID_JAG_REPRESENTATION,
      'options.allowIdJagRepresentation',
      'ALLOW_ID_JAG_REPRESENTATION',
    )
      ? 'representation'
      : 'single-use',
    clockSkew: seconds(options.clockSkew, DEFAULT_CLOCK_SKEW, 'options.clockSkew', 0, 300),
    idJagMaxLifetime: seconds(
      options.idJagMaxLifetime,
      ID_JAG_MAX_LIFETIME,
      'options.idJagMaxLifetime',
      1,
      ID_JAG_MAX_LIFETIME,
    ),
    requireDpop: flag(options.requireDpop, false, 'options.requireDpop'),
    clientIdMetadataDocuments: Object.freeze({
      enabled: flag(cimd.enabled, true, 'options.clientIdMetadataDocuments.enabled'),
      allowPublicClients: flag(cimd.allowPublicClients, true, 'options.clientIdMetadataDocuments.allowPublicClients'),
      timeout: seconds(cimd.timeout, 3000, 'options.clientIdMetadataDocuments.timeout', 1, 60_000),
      maxBytes: seconds(cimd.maxBytes, 5120, 'options.clientIdMetadataDocuments.maxBytes', 256, 1_048_576),
      ttl: seconds(cimd.ttl, 300, 'options.clientIdMetadataDocuments.ttl', 0, 86_400),
      allowLoopback: symbolSwitch(
        cimd.allowLoopback,
        ALLOW_LOOPBACK_CLIENT_METADATA,
        'options.clientIdMetadataDocuments.allowLoopback',
        'ALLOW_LOOPBACK_CLIENT_METADATA',
      ),
      allowPrivateNetwork: symbolSwitch(
        cimd.allowPrivateNetwork,
        ALLOW_PRIVATE_NETWORK_CLIENT_METADATA,
        'options.clientIdMetadataDocuments.allowPrivateNetwork',
        'ALLOW_PRIVATE_NETWORK_CLIENT_METADATA',
      ),
    }),
    adminApi: flag(options.adminApi, true, 'options.adminApi'),
    rateLimits: parseRateLimitOptions(options),
    keyPurpose,
    console: flag(options.console, true, 'options.console'),
    cookieKeys: Object.freeze([...cookieKeys]),
    trustProxy: flag(options.trustProxy, false, 'options.trustProxy'),
  }
  return Object.freeze(resolved)
}
