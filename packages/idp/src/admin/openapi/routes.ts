/** The admin API's routes as documented: method, summary, body, answer, query parameters. */
import { ref, SCHEMAS, type Schema } from './schemas.js'

/** One documented operation. */
export interface Op {
  summary: string
  body?: string
  /** The body may be left out (its fields all have defaults). */
  bodyOptional?: boolean
  ok?: { status: number; schema?: Schema }
  query?: string[]
}

const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
})
const strs: Schema = { type: 'array', items: { type: 'string' } }
const list = (key: string, item: string): Schema => obj({ [key]: { type: 'array', items: ref(item) } }, [key])
const none = { status: 204 }

/** Every documented route, by OpenAPI path (relative to /admin/api) and method. */
export const ROUTES: Record<string, Record<string, Op>> = {
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
      summary:
        'Rotate the signing key: the new key is published at once and signs after activateAfterSeconds (default 60, more than the 30 s JWKS refetch cooldown of verifiers); the previous one signs until then and stays published retireAfterSeconds more. 0 and 0 is the emergency rotation of a compromised key. The body is optional.',
      body: 'RotateKeys',
      bodyOptional: true,
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

/** What each query parameter means. */
export const QUERY_DOCS: Record<string, string> = {
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

// Every schema a route names must exist.
for (const methods of Object.values(ROUTES)) {
  for (const op of Object.values(methods)) {
    if (op.body !== undefined && SCHEMAS[op.body] === undefined) throw new Error(`admin OpenAPI: no schema ${op.body}`)
  }
}
