/**
 * The OpenAPI 3.1 description of the admin API. A test compares it with the routes the app registers, so it stays
 * true: a route added without documentation fails the build.
 */

type Schema = Record<string, unknown>
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })
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

const SCHEMAS: Record<string, Schema> = {
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
    kind: { enum: ['user', 'client', 'application'] },
    target: str,
    until: nullable(ms),
    reason: nullable(str),
    createdBy: str,
    createdAt: ms,
  }),
  NewBlock: obj(
    { kind: { enum: ['user', 'client', 'application'] }, target: str, until: nullable(ms), reason: nullable(str) },
    ['kind', 'target'],
  ),
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
    status: { enum: ['current', 'previous', 'retired'] },
    createdAt: ms,
    retireAt: nullable(ms),
    publicJwk: { type: 'object' },
  }),
  ApiKey: obj({ id: str, name: str, createdBy: str, createdAt: ms, revokedAt: nullable(ms) }),
  CreatedApiKey: obj(
    { apiKey: ref('ApiKey'), key: { type: 'string', description: 'shown this once; send as Authorization: Bearer' } },
    ['apiKey', 'key'],
  ),
  NewApiKey: obj({ name: str }, ['name']),
}

interface Op {
  summary: string
  body?: string
  ok?: { status: number; schema?: Schema }
  query?: string[]
}

const list = (key: string, item: string): Schema => obj({ [key]: { type: 'array', items: ref(item) } }, [key])
const none = { status: 204 }

const ROUTES: Record<string, Record<string, Op>> = {
  '/users': {
    get: { summary: 'List users', query: ['status'], ok: { status: 200, schema: list('users', 'User') } },
    post: {
      summary: 'Create a user (the password is hashed with scrypt)',
      body: 'NewUser',
      ok: { status: 201, schema: ref('User') },
    },
  },
  '/users/{id}': {
    get: { summary: 'A user and their groups', ok: { status: 200, schema: ref('User') } },
    patch: {
      summary: 'Change a user; status disabled revokes their sessions and tokens',
      body: 'UserChanges',
      ok: { status: 200, schema: ref('User') },
    },
  },
  '/groups': {
    get: { summary: 'List groups', ok: { status: 200, schema: list('groups', 'Group') } },
    post: { summary: 'Create a group', body: 'NewGroup', ok: { status: 201, schema: ref('Group') } },
  },
  '/groups/{id}': { delete: { summary: 'Delete a group and its memberships', ok: none } },
  '/groups/{id}/members': {
    get: { summary: 'User ids of the members', ok: { status: 200, schema: obj({ members: strs }) } },
  },
  '/groups/{id}/members/{userId}': {
    put: { summary: 'Add a member', ok: none },
    delete: { summary: 'Remove a member', ok: none },
  },
  '/clients': {
    get: { summary: 'List clients', ok: { status: 200, schema: list('clients', 'Client') } },
    post: {
      summary: 'Create a client; a generated secret is returned once',
      body: 'NewClient',
      ok: { status: 201, schema: ref('CreatedClient') },
    },
  },
  '/clients/{clientId}': {
    get: { summary: 'A client', ok: { status: 200, schema: ref('Client') } },
    patch: {
      summary: 'Change a client (enabled false: it can no longer authenticate)',
      body: 'ClientChanges',
      ok: { status: 200, schema: ref('Client') },
    },
    delete: { summary: 'Delete a client', ok: none },
  },
  '/clients/{clientId}/secret': {
    post: {
      summary: 'Rotate the client secret; the new one is returned once',
      ok: { status: 200, schema: ref('ClientSecret') },
    },
  },
  '/applications': {
    get: { summary: 'List resource applications', ok: { status: 200, schema: list('applications', 'Application') } },
    post: {
      summary: 'Register a resource application (a resource AS)',
      body: 'NewApplication',
      ok: { status: 201, schema: ref('Application') },
    },
  },
  '/applications/{id}': {
    get: {
      summary: 'An application with its resources and client-id mappings',
      ok: { status: 200, schema: ref('Application') },
    },
    patch: {
      summary: 'Change an application',
      body: 'ApplicationChanges',
      ok: { status: 200, schema: ref('Application') },
    },
    delete: { summary: 'Delete an application, its resources, mappings and connections', ok: none },
  },
  '/applications/{id}/aliases': {
    post: { summary: 'Add an audience alias', body: 'Alias', ok: none },
    delete: { summary: 'Remove an audience alias', query: ['alias'], ok: none },
  },
  '/applications/{id}/resources': {
    put: {
      summary: 'Add or replace a governed resource and its scopes',
      body: 'ResourceInput',
      ok: { status: 200, schema: ref('Resource') },
    },
    delete: { summary: 'Remove a governed resource', query: ['uri'], ok: none },
  },
  '/applications/{id}/client-ids/{clientId}': {
    put: { summary: "Set the client's client_id at this resource AS", body: 'ClientIdMapping', ok: none },
    delete: { summary: 'Remove the mapping', ok: none },
  },
  '/connections': {
    get: {
      summary: 'List managed connections',
      query: ['client', 'application'],
      ok: { status: 200, schema: list('connections', 'Connection') },
    },
    post: {
      summary: 'Create a managed connection (consent granted on behalf of the organization)',
      body: 'NewConnection',
      ok: { status: 201, schema: ref('Connection') },
    },
  },
  '/connections/{id}': {
    get: { summary: 'A managed connection', ok: { status: 200, schema: ref('Connection') } },
    patch: {
      summary: 'Change, enable or disable a connection (applies to the next request)',
      body: 'ConnectionChanges',
      ok: { status: 200, schema: ref('Connection') },
    },
    delete: { summary: 'Delete a connection', ok: none },
  },
  '/blocks': {
    get: { summary: 'List blocks', query: ['active'], ok: { status: 200, schema: list('blocks', 'Block') } },
    post: {
      summary: 'Block a user, client or application (wins over every connection)',
      body: 'NewBlock',
      ok: { status: 201, schema: ref('Block') },
    },
  },
  '/blocks/{id}': { delete: { summary: 'Lift a block', ok: none } },
  '/audit': {
    get: {
      summary: 'Audit events, newest first',
      query: ['user', 'client', 'application', 'resource', 'action', 'decision', 'since', 'until', 'limit', 'cursor'],
      ok: { status: 200, schema: ref('AuditPage') },
    },
  },
  '/keys': {
    get: { summary: "The IdP's signing keys (public parts)", ok: { status: 200, schema: list('keys', 'SigningKey') } },
  },
  '/keys/rotate': {
    post: {
      summary: 'Rotate the signing key; the previous one stays published until its tokens expire',
      ok: { status: 201, schema: ref('SigningKey') },
    },
  },
  '/api-keys': {
    get: { summary: 'List API keys', ok: { status: 200, schema: list('apiKeys', 'ApiKey') } },
    post: {
      summary: 'Create an API key; the key is returned once',
      body: 'NewApiKey',
      ok: { status: 201, schema: ref('CreatedApiKey') },
    },
  },
  '/api-keys/{id}': { delete: { summary: 'Revoke an API key', ok: none } },
}

const QUERY_DOCS: Record<string, string> = {
  status: 'active or disabled',
  client: 'IdP client id',
  application: 'application id',
  user: 'user id',
  decision: 'allow, deny, change or info',
  since: 'epoch ms, inclusive',
  until: 'epoch ms, exclusive',
  limit: '1 to 500',
  cursor: 'nextCursor of the previous page',
  action: 'an action, or a prefix such as id_jag.*',
  active: 'true: only blocks in force now',
  alias: 'the alias to remove',
  uri: 'the resource identifier',
  resource: 'resource identifier',
}

function operation(path: string, method: string, op: Op): Schema {
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: str }))
  const query = (op.query ?? []).map((name) => ({
    name,
    in: 'query',
    required: name === 'alias' || name === 'uri',
    schema: str,
    description: QUERY_DOCS[name],
  }))
  const ok = op.ok ?? { status: 200 }
  const error = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } })
  return {
    operationId: `${method}${path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
    summary: op.summary,
    ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.body) } } } } : {}),
    responses: {
      [String(ok.status)]: ok.schema
        ? { description: 'OK', content: { 'application/json': { schema: ok.schema } } }
        : { description: 'Done' },
      400: error('invalid request'),
      401: error('no valid API key or admin session'),
      403: error('not an administrator'),
      ...(method === 'get' && !path.includes('{') ? {} : { 404: error('not found') }),
      ...(method === 'post' || method === 'put' ? { 409: error('conflict with an existing record') } : {}),
    },
  }
}

/** The OpenAPI document of the admin API served by the IdP at `issuer`. */
export function openApiDocument(issuer: string): Record<string, unknown> {
  const paths: Record<string, Record<string, Schema>> = {}
  for (const [path, methods] of Object.entries(ROUTES)) {
    paths[path] = Object.fromEntries(
      Object.entries(methods).map(([method, op]) => [method, operation(path, method, op)]),
    )
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'OpenXAA IdP administration API',
      version: '1',
      description:
        'Directory, clients, resource applications, managed connections, blocks, audit and keys of the OpenXAA enterprise IdP. Every change is audited with its actor.',
    },
    servers: [{ url: `${issuer}/admin/api` }],
    security: [{ apiKey: [] }, { adminSession: [] }],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an admin API key (oxa_…)' },
        adminSession: {
          type: 'apiKey',
          in: 'cookie',
          name: '_session',
          description: 'the IdP sign-in session of a user with the admin role',
        },
      },
    },
  }
}

/** Every documented (method, path) pair, for the test that keeps the document true. */
export function documentedRoutes(): { method: string; path: string }[] {
  return Object.entries(ROUTES).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method, path })))
}
