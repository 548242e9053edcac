/** @jsxImportSource hono/jsx */
/**
 * AI clients (OIDC clients of the IdP): the list, and registration with the secret shown once on the answer page
 * (never again: only its hash is stored). One client's page is in `client.tsx`.
 */

import { Badge, Csrf, Empty, Field, PageHead, PostButton, Select, StatusBadge } from '@openxaa/console-ui'
import { GRANT_TYPE_DEVICE_CODE, GRANT_TYPE_TOKEN_EXCHANGE } from '@openxaa/protocol'
import type { IdpClientAuthMethod } from '@openxaa/store'
import type { Context, Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { AdminError } from '../admin/errors.js'
import { clientPageRoutes } from './client.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, field, render } from './respond.js'

const METHODS: { value: IdpClientAuthMethod; label: string }[] = [
  { value: 'client_secret_basic', label: 'Client secret (HTTP Basic)' },
  { value: 'client_secret_post', label: 'Client secret (form post)' },
  { value: 'private_key_jwt', label: 'Private key JWT (public keys below)' },
  { value: 'none', label: 'None (public client: no cross-app access)' },
]

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

/** The one page that shows a secret: the answer to the POST that made it, never stored, never cached. */
export function secretPage(
  c: Context<ConsoleEnv>,
  deps: ConsoleDeps,
  clientId: string,
  secret: string,
  created: boolean,
) {
  return render(c, deps, {
    title: 'Client secret',
    active: 'clients',
    body: (
      <section class="card" aria-labelledby="secret-title">
        <h1 id="secret-title">{created ? `Client ${clientId} registered` : `New secret for ${clientId}`}</h1>
        <p role="alert">
          <strong>Copy the client secret now.</strong> It is shown this once and cannot be shown again; only a hash is
          kept. {created ? '' : 'The previous secret no longer works.'}
        </p>
        <code class="secret" id="client-secret">
          {secret}
        </code>
        <p class="actions">
          <button class="btn btn-secondary" type="button" data-copy="client-secret" hidden>
            Copy secret
          </button>
          <a class="btn" href={`${deps.base}/clients/${encodeURIComponent(clientId)}`}>
            I have stored it: continue
          </a>
        </p>
      </section>
    ),
  })
}

/** The client pages. */
export function clientRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base } = deps

  app.get(`${base}/clients`, async (c) => {
    const { store } = c.var.admin
    const [clients, connections] = await Promise.all([store.idp.clients.list(), store.idp.connections.list()])
    const csrf = csrfOf(c, deps)
    return render(c, deps, {
      title: 'AI clients',
      active: 'clients',
      body: (
        <>
          <PageHead title="AI clients" lede="The AI applications your people sign in to, and that may ask for ID-JAGs.">
            <a class="btn" href={`${base}/clients/new`}>
              Register a client
            </a>
          </PageHead>
          <section class="card">
            {clients.length === 0 ? (
              <Empty>No clients registered.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">AI clients</caption>
                  <thead>
                    <tr>
                      <th scope="col">Client</th>
                      <th scope="col">Authentication</th>
                      <th scope="col">Cross-app access</th>
                      <th scope="col" class="num">
                        Connections
                      </th>
                      <th scope="col">Status</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {clients.map((x) => (
                      <tr>
                        <td>
                          <a href={`${base}/clients/${encodeURIComponent(x.clientId)}`}>{x.name}</a>
                          <span class="help">
                            <code>{x.clientId}</code>
                          </span>
                        </td>
                        <td>
                          <code>{x.tokenEndpointAuthMethod}</code>
                        </td>
                        <td>
                          {x.grantTypes.includes(GRANT_TYPE_TOKEN_EXCHANGE) ? (
                            <Badge kind="ok">yes</Badge>
                          ) : (
                            <Badge kind="off">no</Badge>
                          )}
                        </td>
                        <td class="num">{connections.filter((k) => k.clientId === x.clientId).length}</td>
                        <td>
                          <StatusBadge enabled={x.enabled} />
                        </td>
                        <td>
                          <PostButton
                            action={`${base}/clients/${encodeURIComponent(x.clientId)}/${x.enabled ? 'disable' : 'enable'}`}
                            csrf={csrf}
                            label={x.enabled ? 'Disable' : 'Enable'}
                            kind={x.enabled ? 'danger' : 'secondary'}
                            small
                            ariaLabel={`${x.enabled ? 'Disable' : 'Enable'} client ${x.name}`}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      ),
    })
  })

  app.get(`${base}/clients/new`, (c) =>
    render(c, deps, {
      title: 'Register a client',
      active: 'clients',
      body: (
        <>
          <h1>Register an AI client</h1>
          <section class="card form">
            <form method="post" action={`${base}/clients/new`}>
              <Csrf token={csrfOf(c, deps)} />
              <Field
                id="clientId"
                label="Client ID"
                required
                help="Letters, digits, dots and dashes, e.g. acme-agent."
              />
              <Field id="name" label="Display name" required help="Shown on the sign-in page and in this console." />
              <Select
                id="authMethod"
                label="Authentication at the token endpoint"
                options={METHODS}
                value="client_secret_basic"
              />
              <div class="field">
                <label for="jwks">Public keys (JWK Set JSON, for private key JWT)</label>
                <textarea id="jwks" name="jwks" />
              </div>
              <div class="field">
                <label for="redirectUris">Redirect URIs (one per line)</label>
                <textarea id="redirectUris" name="redirectUris" />
              </div>
              <fieldset>
                <legend>Options</legend>
                <label class="check" for="xaa">
                  <input id="xaa" type="checkbox" name="xaa" value="yes" checked />
                  <span>Cross-app access: may exchange sign-ins for ID-JAGs (token exchange)</span>
                </label>
                <label class="check" for="device">
                  <input id="device" type="checkbox" name="device" value="yes" />
                  <span>Device authorization grant (command-line clients)</span>
                </label>
                <label class="check" for="firstParty">
                  <input id="firstParty" type="checkbox" name="firstParty" value="yes" />
                  <span>First-party or admin-approved: no consent screen at sign-in</span>
                </label>
              </fieldset>
              <button class="btn" type="submit">
                Register client
              </button>
            </form>
          </section>
        </>
      ),
    }),
  )

  app.post(`${base}/clients/new`, (c) =>
    act(c, deps, '/clients/new', async () => {
      const form = c.var.form
      const method = field(c, 'authMethod') as IdpClientAuthMethod
      if (!METHODS.some((m) => m.value === method))
        throw new AdminError('invalid_request', 'choose an authentication method')
      let jwks: { keys: Record<string, unknown>[] } | null = null
      if (field(c, 'jwks') !== '') {
        try {
          jwks = JSON.parse(field(c, 'jwks')) as { keys: Record<string, unknown>[] }
        } catch {
          throw new AdminError('invalid_request', 'the public keys must be a JWK Set in JSON')
        }
      }
      const grantTypes = ['authorization_code', 'refresh_token']
      if (form.get('xaa') === 'yes') grantTypes.push(GRANT_TYPE_TOKEN_EXCHANGE)
      if (form.get('device') === 'yes') grantTypes.push(GRANT_TYPE_DEVICE_CODE)
      const { client, clientSecret } = await operations.createClient(c.var.admin, {
        clientId: field(c, 'clientId'),
        name: field(c, 'name'),
        tokenEndpointAuthMethod: method,
        redirectUris: lines(field(c, 'redirectUris')),
        grantTypes,
        jwks,
        firstParty: form.get('firstParty') === 'yes',
      })
      if (clientSecret !== undefined) return secretPage(c, deps, client.clientId, clientSecret, true)
      return {
        to: `/clients/${encodeURIComponent(client.clientId)}`,
        flash: { kind: 'ok', text: `Client ${client.clientId} registered.` },
      }
    }),
  )

  clientPageRoutes(app, deps)
}
