/** @jsxImportSource hono/jsx */
/**
 * Clients registered at the resource AS: the list, registration (a generated secret shown once on the answer page,
 * never again; or public keys by JWKS URI for private_key_jwt), enable and disable.
 */

import { Csrf, Field, PageHead, PostButton, Select, StatusBadge } from '@openxaa/console-ui'
import type { Hono } from 'hono'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, field, render } from './respond.js'

/** The client pages. */
export function clientRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, service } = deps
  const actor = (c: { var: { adminKeyId: string } }) => ({ type: 'admin' as const, id: c.var.adminKeyId })

  app.get(`${base}/clients`, async (c) => {
    const [clients, organizations] = await Promise.all([service.listClients(), service.listOrganizations()])
    const csrf = csrfOf(c, deps)
    return render(c, deps, {
      title: 'Clients',
      active: 'clients',
      body: (
        <>
          <PageHead
            title="Clients"
            lede="The AI clients that redeem ID-JAGs here. Client ID Metadata Document URLs need no registration."
          />
          <section class="card">
            {clients.length === 0 ? (
              <p class="empty">No clients registered.</p>
            ) : (
              <table>
                <caption class="visually-hidden">Clients</caption>
                <thead>
                  <tr>
                    <th scope="col">Client</th>
                    <th scope="col">Organization</th>
                    <th scope="col">Authentication</th>
                    <th scope="col">Status</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {clients.map((x) => (
                    <tr>
                      <td>
                        {x.name ?? x.clientId}
                        <span class="help">
                          <code>{x.clientId}</code>
                        </span>
                      </td>
                      <td>{x.organizationId ?? <span class="muted">any</span>}</td>
                      <td class="small">
                        {x.authMethods.join(', ')}
                        {x.hasSecret && <span class="help">secret set (never shown again)</span>}
                      </td>
                      <td>
                        <StatusBadge enabled={x.enabled} />
                      </td>
                      <td>
                        <PostButton
                          small
                          action={`${base}/clients/${encodeURIComponent(x.clientId)}/${x.enabled ? 'disable' : 'enable'}`}
                          csrf={csrf}
                          label={x.enabled ? 'Disable' : 'Enable'}
                          kind={x.enabled ? 'danger' : 'secondary'}
                          ariaLabel={`${x.enabled ? 'Disable' : 'Enable'} client ${x.clientId}`}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section class="card form" aria-labelledby="new-client-title">
            <h2 id="new-client-title">Register a client</h2>
            <form method="post" action={`${base}/clients`}>
              <Csrf token={csrf} />
              <Field id="clientId" label="Client ID" required />
              <Field id="name" label="Name (optional)" />
              <Select
                id="organizationId"
                label="Only for organization"
                options={organizations.map((o) => ({ value: o.id, label: o.name }))}
                blank="Any organization"
              />
              <Field id="jwksUri" label="JWKS URI (private_key_jwt; empty: a client secret)" type="url" />
              <button class="btn" type="submit">
                Register client
              </button>
            </form>
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/clients`, (c) =>
    act(c, deps, '/clients', async () => {
      const jwksUri = field(c, 'jwksUri')
      const { client, secret } = await service.createClient(actor(c), {
        clientId: field(c, 'clientId'),
        name: field(c, 'name') || null,
        organizationId: field(c, 'organizationId') || null,
        jwksUri: jwksUri || null,
      })
      if (secret === undefined)
        return { flash: { kind: 'ok', text: `Client ${client.clientId} registered (private_key_jwt).` } }
      return render(c, deps, {
        title: 'Client secret',
        active: 'clients',
        body: (
          <section class="card" aria-labelledby="secret-title">
            <h1 id="secret-title">Client {client.clientId} registered</h1>
            <p role="alert">
              <strong>Copy the client secret now.</strong> It is shown this once; only a hash is kept.
            </p>
            <code class="secret" id="client-secret">
              {secret}
            </code>
            <p class="actions">
              <button class="btn btn-secondary" type="button" data-copy="client-secret" hidden>
                Copy secret
              </button>
              <a class="btn" href={`${base}/clients`}>
                I have stored it: continue
              </a>
            </p>
          </section>
        ),
      })
    }),
  )

  for (const enabled of [true, false]) {
    app.post(`${base}/clients/:id/${enabled ? 'enable' : 'disable'}`, (c) =>
      act(c, deps, '/clients', async () => {
        const x = await service.setClientEnabled(actor(c), c.req.param('id'), enabled)
        return {
          flash: enabled
            ? { kind: 'ok', text: `Client ${x.clientId} enabled.` }
            : {
                kind: 'ok',
                text: `Client ${x.clientId} disabled: its next token request is refused (invalid_client).`,
              },
        }
      }),
    )
  }
}
