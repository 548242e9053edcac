/**
 * The resource authorization server's rows as its code sees them: camelCase, parsed JSON, booleans.
 * @see ../../../../shared/spec/xaa-protocol.md section 2(d), section 8 decisions 6 and 7
 */

/** How an ID-JAG subject becomes a local account (2(d) step 10): `sub` only, also verified email, or JIT. */
export type LinkingMode = 'subject' | 'email' | 'jit'

/** The linking modes, for validation and UI. */
export const LINKING_MODES: readonly LinkingMode[] = Object.freeze(['subject', 'email', 'jit'])

/** Client authentication methods a registered client may use at the resource AS (decision 6). */
export type AsClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt'

/** The methods, for validation. */
export const AS_CLIENT_AUTH_METHODS: readonly AsClientAuthMethod[] = Object.freeze([
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
])

/** An enterprise customer of the vendor. */
export interface Organization {
  id: string
  name: string
  createdAt: number
  updatedAt: number
}

/** An ID-JAG issuer trusted by one organization, optionally pinned to one IdP `tenant`. */
export interface IssuerTrust {
  id: string
  organizationId: string
  issuer: string
  tenant: string | null
  /** Where the issuer's keys are; with neither this nor `jwks`, they come from the issuer's metadata. */
  jwksUri: string | null
  jwks: { keys: Record<string, unknown>[] } | null
  /** Client ids allowed to present this issuer's ID-JAGs; null means any registered client. */
  allowedClientIds: string[] | null
  linkingMode: LinkingMode
  /** Lower-case domains whose verified emails link accounts (modes `email` and `jit`). */
  emailDomains: string[]
  enabled: boolean
  metadataVerifiedAt: number | null
  createdAt: number
  updatedAt: number
}

/** What {@link IssuerTrustRepository.create} takes. New trusts are disabled. */
export interface IssuerTrustInput {
  organizationId: string
  issuer: string
  tenant?: string | null
  jwksUri?: string | null
  jwks?: { keys: Record<string, unknown>[] } | null
  allowedClientIds?: readonly string[] | null
  linkingMode?: LinkingMode
  emailDomains?: readonly string[]
}

/** A client registered at the resource AS. The secret itself is never stored or returned. */
export interface AsClient {
  clientId: string
  organizationId: string | null
  name: string | null
  hasSecret: boolean
  jwks: { keys: Record<string, unknown>[] } | null
  jwksUri: string | null
  authMethods: AsClientAuthMethod[]
  enabled: boolean
  createdAt: number
  updatedAt: number
}

/** What {@link AsClientRepository.create} takes; `secret` is hashed with scrypt before it is written. */
export interface AsClientInput {
  clientId: string
  organizationId?: string | null
  name?: string | null
  secret?: string
  jwks?: { keys: Record<string, unknown>[] } | null
  jwksUri?: string | null
  authMethods: readonly AsClientAuthMethod[]
}

/** An MCP server the resource AS issues tokens for. */
export interface AsResource {
  uri: string
  name: string
  scopes: string[]
  createdAt: number
  updatedAt: number
}

/** A local account of an organization. */
export interface AsAccount {
  id: string
  organizationId: string
  email: string | null
  createdAt: number
}

/** The IdP identity of an account: (issuer, tenant, sub) inside one organization. */
export interface AccountLinkKey {
  organizationId: string
  issuer: string
  tenant: string | null
  subject: string
}

/** An admin API key as listed: never the key or its hash. */
export interface AdminApiKey {
  id: string
  name: string
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}
