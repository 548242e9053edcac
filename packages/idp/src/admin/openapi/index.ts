/**
 * The OpenAPI 3.1 description of the admin API. A test compares it with the routes the app registers, so it stays
 * true: a route added without documentation fails the build.
 */

import { type Op, QUERY_DOCS, ROUTES } from './routes.js'
import { ref, SCHEMAS, type Schema } from './schemas.js'

const str: Schema = { type: 'string' }

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
    ...(op.body
      ? { requestBody: { required: !op.bodyOptional, content: { 'application/json': { schema: ref(op.body) } } } }
      : {}),
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
