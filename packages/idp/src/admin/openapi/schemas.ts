/** JSON Schemas of the admin API's bodies and answers (OpenAPI 3.1 uses JSON Schema 2020-12). */
import { IDP_BLOCK_KINDS } from '@openxaa/store'

/** A JSON Schema. */
export type Schema = Record<string, unknown>
/** A reference to a component schema. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })
const str: Schema = { type: 'string' }
const strs: Schema = { type: 'array', items: str }
const bool: Schema = { type: 'boolean' }
const ms: Schema = { type: 'integer', description: 'epoch milliseconds' }
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] })
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
})

/** The component schemas. */
export const SCHEMAS: Record<string, Schema> = {
  Error: obj(
    {
      error: {
        type: 'string',
        enum: ['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'server_error'],
      },
      error_description: str,
    },
    ['error'],
  ),
  User: obj({
    id: str,
    username: str,
    email: nullable(str),
    emailVerified: bool,
    name: nullable(str),
    status: { enum: ['active', 'disabled'] },
    roles: strs,
    hasPassword: bool,
    createdAt: ms,
    updatedAt: ms,
    groups: { type: 'array', items: obj({ id: str, name: str }) },
  }),
  NewUser: obj(
    {
      username: str,
      email: nullable(str),
      emailVerified: bool,
      name: nullable(str),
      password: { type: 'string', writeOnly: true },
      roles: strs,
    },
    ['username'],
  ),
  UserChanges: obj({
    email: nullable(str),
    emailVerified: bool,
    name: nullable(str),
    password: { type: 'string', writeOnly: true },
    roles: strs,
    status: {
      enum: ['active', 'disabled'],
      description: 'disabled revokes every session, grant and token of the user at once',
    },
  }),
  Group: obj({ id: str, name: str, description: nullable(str), createdAt: ms }),
  NewGroup: obj({ name: str, description: nullable(str) }, ['name']),
  Client: obj({
    clientId: str,
    name: str,
    tokenEndpointAuthMethod: { enum: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] },
    applicationType: { enum: ['web', 'native'] },
    redirectUris: strs,
    postLogoutRedirectUris: strs,
    grantTypes: strs,
    jwks: nullable({ type: 'object' }),
    hasSecret: bool,
    firstParty: bool,
    enabled: bool,
    createdAt: ms,
    updatedAt: ms,
  }),
  NewClient: obj(
    {
      clientId: str,
      name: str,
      tokenEndpointAuthMethod: str,
      applicationType: str,
      redirectUris: strs,
      postLogoutRedirectUris: strs,
      grantTypes: {
        ...strs,
        description: 'include urn:ietf:params:oauth:grant-type:token-exchange to enable cross-app access',
      },
      jwks: nullable({ type: 'object' }),
      firstParty: { ...bool, description: 'first-party or admin-approved: no consent screen' },
      enabled: bool,
    },
    ['clientId', 'name'],
  ),
  ClientChanges: obj({
    name: str,
    tokenEndpointAuthMethod: str,
    applicationType: str,
    redirectUris: strs,
    postLogoutRedirectUris: strs,
    grantTypes: strs,
    jwks: nullable({ type: 'object' }),
    firstParty: bool,
    enabled: bool,
  }),
  CreatedClient: obj(
    {
      client: ref('Client'),
      clientSecret: { type: 'string', description: 'shown this once; only its hash is stored' },
    },
    ['client'],
  ),
  ClientSecret: obj({ clientSecret: str }, ['clientSecret']),
  Application: obj({
    id: str,
    name: str,
    issuer: { type: 'string', description: 'the resource AS issuer: the aud of its ID-JAGs' },
    aliases: strs,
    includeEmail: bool,
    createdAt: ms,
    updatedAt: ms,
    resources: { type: 'array', items: ref('Resource') },
    clientIds: { type: 'array', items: obj({ clientId: str, rasClientId: str }) },
  }),
  NewApplication: obj({ name: str, issuer: str, aliases: strs, includeEmail: bool }, ['name', 'issuer']),
  ApplicationChanges: obj({ name: str, includeEmail: bool }),
  Resource: obj({ applicationId: str, uri: str, name: nullable(str), scopes: strs }),
  ResourceInput: obj(
    {
      uri: { type: 'string', description: 'RFC 9728 resource identifier of the MCP server' },
      name: nullable(str),
      scopes: strs,
    },
    ['uri', 'scopes'],
  ),
  Alias: obj({ alias: str }, ['alias']),
  ClientIdMapping: obj(
    { rasClientId: { type: 'string', description: 'the client_id this client has at the resource AS' } },
    ['rasClientId'],
  ),
  Connection: obj({
    id: str,
    clientId: str,
    applicationId: str,
    resource: str,
    groups: strs,
    scopes: strs,
    enabled: bool,
    maxAuthAge: nullable({ type: 'integer' }),
    consentGrantedBy: str,
    consentGrantedAt: ms,
    createdAt: ms,
    updatedAt: ms,
  }),
  NewConnection: obj(
    {
      clientId: str,
      applicationId: str,
      resource: str,
      groups: { ...strs, description: 'group ids' },
      scopes: { ...strs, description: 'the most scopes an ID-JAG may carry' },
      enabled: bool,
      maxAuthAge: nullable({ type: 'integer', description: 'seconds' }),
      consentGrantedBy: { type: 'string', description: 'who grants consent on behalf of the organization' },
      consentGrantedAt: ms,
    },
    ['clientId', 'applicationId', 'resource', 'groups', 'scopes', 'consentGrantedBy'],
  ),
  ConnectionChanges: obj({
    groups: strs,
    scopes: strs,
    enabled: bool,
    maxAuthAge: nullable({ type: 'integer' }),
    consentGrantedBy: str,
    consentGrantedAt: ms,
  }),
  Block: obj({
    id: str,
    kind: { enum: [...IDP_BLOCK_KINDS] },
    target: str,
    until: nullable(ms),
    reason: nullable(str),
    createdBy: str,
    createdAt: ms,
  }),
  NewBlock: obj({ kind: { enum: [...IDP_BLOCK_KINDS] }, target: str, until: nullable(ms), reason: nullable(str) }, [
    'kind',
    'target',
  ]),
  AuditEvent: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      at: ms,
      actor: obj({ type: str, id: str }),
      action: str,
      decision: { enum: ['allow', 'deny', 'change', 'info'] },
      reason: str,
      rule: str,
      detail: str,
      userId: str,
      subject: str,
      clientId: str,
      resource: str,
      audience: str,
      tenant: str,
      data: { type: 'object' },
      redacted: { type: 'integer' },
    },
  },
  AuditPage: obj({ events: { type: 'array', items: ref('AuditEvent') }, nextCursor: str }, ['events']),
  SigningKey: obj({
    kid: str,
    purpose: str,
    alg: str,
    status: {
      enum: ['current', 'next', 'previous', 'retired'],
      description:
        'current signs; next is published and signs from activateAt; previous is published, no longer signs; retired is no longer published',
    },
    createdAt: ms,
    activateAt: { type: 'integer', description: 'epoch milliseconds from which the key signs' },
    retireAt: nullable(ms),
    publicJwk: { type: 'object' },
  }),
  ApiKey: obj({ id: str, name: str, createdBy: str, createdAt: ms, revokedAt: nullable(ms) }),
  CreatedApiKey: obj(
    { apiKey: ref('ApiKey'), key: { type: 'string', description: 'shown this once; send as Authorization: Bearer' } },
    ['apiKey', 'key'],
  ),
  NewApiKey: obj({ name: str }, ['name']),
  RotateKeys: obj({
    activateAfterSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: 2_592_000,
      default: 60,
      description: 'seconds the new key is published before it signs',
    },
    retireAfterSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: 2_592_000,
      description:
        'seconds the previous key stays published after the new one activates (default: the longest token lifetime plus 60)',
    },
  }),
}
