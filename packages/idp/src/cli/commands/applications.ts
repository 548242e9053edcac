/** `openxaa-idp` commands: clients, resource applications, their resources and per-client ids. */
import { readFileSync } from 'node:fs'
import { GRANT_TYPE_DEVICE_CODE } from '@openxaa/protocol'
import type { IdpClientAuthMethod } from '@openxaa/store'
import { operations as ops } from '../../admin/administration.js'
import { UsageError } from '../io.js'
import { type Command, json, list } from './command.js'

/** Clients, resource applications, their resources and per-client ids. */
export const APPLICATIONS_COMMANDS: Record<string, Command> = {
  'client add': {
    usage:
      'client add <client-id> --name <n> [--redirect-uri <u>]... [--post-logout-redirect-uri <u>]... [--auth-method <m>] [--jwks-file <f>] [--first-party] [--no-xaa] [--device] [--native]',
    description:
      'Register an OIDC client (AI application). Prints a generated secret once. Cross-app access (token exchange) is on unless --no-xaa.',
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'auth-method': { type: 'string' },
      'jwks-file': { type: 'string' },
      'first-party': { type: 'boolean' },
      'no-xaa': { type: 'boolean' },
      device: { type: 'boolean' },
      native: { type: 'boolean' },
    },
    positionals: 1,
    async run(ctx, v, [clientId], io) {
      if (!v.name) throw new UsageError('--name is required')
      const grantTypes = ['authorization_code', 'refresh_token']
      if (!v['no-xaa']) grantTypes.push('urn:ietf:params:oauth:grant-type:token-exchange')
      if (v.device) grantTypes.push(GRANT_TYPE_DEVICE_CODE)
      const jwks = v['jwks-file'] ? JSON.parse(readFileSync(String(v['jwks-file']), 'utf8')) : undefined
      const created = await ops.createClient(ctx, {
        clientId: clientId!,
        name: String(v.name),
        tokenEndpointAuthMethod:
          (v['auth-method'] as IdpClientAuthMethod | undefined) ?? (jwks ? 'private_key_jwt' : 'client_secret_basic'),
        applicationType: v.native ? 'native' : 'web',
        redirectUris: list(v['redirect-uri']),
        postLogoutRedirectUris: list(v['post-logout-redirect-uri']),
        grantTypes,
        ...(jwks ? { jwks } : {}),
        firstParty: Boolean(v['first-party']),
      })
      io.out(`client ${created.client.clientId} created (${created.client.tokenEndpointAuthMethod})`)
      if (created.clientSecret) io.out(`client secret (shown once, store it now): ${created.clientSecret}`)
    },
  },
  'client list': {
    usage: 'client list [--json]',
    description: 'Registered clients (never their secrets).',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      // Clients as stored carry no secret (its hash is read apart, for authentication only).
      const clients = await ctx.store.idp.clients.list()
      if (v.json) return io.out(JSON.stringify({ clients }, null, 2))
      for (const c of clients) {
        io.out(`${c.clientId}  ${c.name}  ${c.tokenEndpointAuthMethod}  ${c.enabled ? 'enabled' : 'disabled'}`)
      }
    },
  },
  ...Object.fromEntries(
    (['enable', 'disable'] as const).map((verb): [string, Command] => [
      `client ${verb}`,
      {
        usage: `client ${verb} <client-id>`,
        description:
          verb === 'disable'
            ? 'Disable a client: it can no longer authenticate, so it gets no token and no ID-JAG, from the next request.'
            : 'Enable a disabled client again.',
        options: {},
        positionals: 1,
        async run(ctx, _v, [clientId], io) {
          await ops.updateClient(ctx, clientId!, { enabled: verb === 'enable' })
          io.out(`client ${clientId} ${verb}d`)
        },
      },
    ]),
  ),
  'client secret rotate': {
    usage: 'client secret rotate <client-id>',
    description: 'Give a client a new secret (printed once); the old one stops working at once.',
    options: {},
    positionals: 1,
    async run(ctx, _v, [clientId], io) {
      const { clientSecret } = await ops.rotateClientSecret(ctx, clientId!)
      io.out(`client secret of ${clientId} rotated`)
      io.out(`client secret (shown once, store it now): ${clientSecret}`)
    },
  },
  'app add': {
    usage: 'app add <name> --issuer <resource AS issuer> [--alias <a>]... [--include-email]',
    description: "Register a resource application (a SaaS vendor's resource authorization server).",
    options: {
      issuer: { type: 'string' },
      alias: { type: 'string', multiple: true },
      'include-email': { type: 'boolean' },
    },
    positionals: 1,
    async run(ctx, v, [name], io) {
      if (!v.issuer) throw new UsageError('--issuer is required')
      const app = await ops.createApplication(ctx, {
        name: name!,
        issuer: String(v.issuer),
        aliases: list(v.alias),
        includeEmail: Boolean(v['include-email']),
      })
      io.out(`application ${app.name} created: id ${app.id}, issuer ${app.issuer}`)
    },
  },
  'app list': {
    usage: 'app list [--json]',
    description: 'List resource applications with their resources (and scopes) and per-client ids.',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    async run(ctx, v, _a, io) {
      const apps = await Promise.all(
        (await ctx.store.idp.applications.list()).map(async (app) => ({
          ...app,
          resources: await ctx.store.idp.applications.resources(app.id),
          clientIds: await ctx.store.idp.applications.clientIds(app.id),
        })),
      )
      if (v.json) return json(io, apps)
      for (const app of apps) {
        io.out(`${app.id}  ${app.name}  ${app.issuer}${app.aliases.length ? `  aliases ${app.aliases.join(',')}` : ''}`)
        for (const r of app.resources) io.out(`  resource ${r.uri}  scopes ${r.scopes.join(' ') || '-'}`)
        for (const m of app.clientIds) io.out(`  client ${m.clientId} is ${m.rasClientId} there`)
      }
    },
  },
  'resource add': {
    usage: 'resource add <app> <resource-uri> --scope <s>... [--name <n>]',
    description:
      'Add an MCP resource (its RFC 9728 resource identifier) governed by an application (id, issuer or alias).',
    options: { scope: { type: 'string', multiple: true }, name: { type: 'string' } },
    positionals: 2,
    async run(ctx, v, [a, uri], io) {
      const app = await ops.resolveApplication(ctx, a!)
      const r = await ops.putResource(ctx, app.id, {
        uri: uri!,
        name: (v.name as string | undefined) ?? null,
        scopes: list(v.scope),
      })
      io.out(`resource ${r.uri} of ${app.name}: scopes ${r.scopes.join(' ') || '(none)'}`)
    },
  },
  'app client-id set': {
    usage: 'app client-id set <app> <client-id> <client-id-at-the-resource-AS>',
    description:
      "Set the client_id a client has at the application's resource AS (the client_id claim of its ID-JAGs).",
    options: {},
    positionals: 3,
    async run(ctx, _v, [a, clientId, rasClientId], io) {
      const app = await ops.resolveApplication(ctx, a!)
      await ops.setClientId(ctx, app.id, clientId!, rasClientId!)
      io.out(`${clientId} is ${rasClientId} at ${app.issuer}`)
    },
  },
}
