/** @jsxImportSource hono/jsx */
/**
 * One AI client's page: its facts and connections, disable or enable in one click with the effect shown, a new
 * secret (shown once), a block until a date, deletion.
 */

import { Empty, PageHead, PostButton, StatusBadge } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { found } from '../admin/errors.js'
import { secretPage } from './clients.js'
import { BlockForm } from './components.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { dateInput } from './format.js'
import { act, csrfOf, render } from './respond.js'

/** GET /console/clients/:id and its actions. */
export function clientPageRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps
  app.get(`${base}/clients/:id`, async (c) => {
    const { store } = c.var.admin
    const client = found(await store.idp.clients.get(c.req.param('id')), 'client')
    const [connections, applications] = await Promise.all([
      store.idp.connections.list({ clientId: client.clientId }),
      store.idp.applications.list(),
    ])
    const csrf = csrfOf(c, deps)
    const path = `${base}/clients/${encodeURIComponent(client.clientId)}`
    return render(c, deps, {
      title: client.name,
      active: 'clients',
      body: (
        <>
          <PageHead title={client.name}>
            <PostButton
              action={`${path}/${client.enabled ? 'disable' : 'enable'}`}
              csrf={csrf}
              label={client.enabled ? 'Disable client' : 'Enable client'}
              kind={client.enabled ? 'danger' : 'primary'}
            />
            {client.hasSecret && (
              <PostButton
                action={`${path}/rotate-secret`}
                csrf={csrf}
                label="New secret"
                kind="secondary"
                confirm="The current secret stops working at once. Continue?"
              />
            )}
          </PageHead>
          <section class="card">
            <dl class="facts">
              <dt>Client ID</dt>
              <dd>
                <code>{client.clientId}</code>
              </dd>
              <dt>Status</dt>
              <dd>
                <StatusBadge enabled={client.enabled} />
              </dd>
              <dt>Authentication</dt>
              <dd>
                <code>{client.tokenEndpointAuthMethod}</code>{' '}
                {client.hasSecret ? '(secret set, never shown again)' : ''}
              </dd>
              <dt>Grant types</dt>
              <dd>
                {client.grantTypes.map((g) => (
                  <span class="tag">{g}</span>
                ))}
              </dd>
              <dt>Redirect URIs</dt>
              <dd>
                {client.redirectUris.length === 0
                  ? '—'
                  : client.redirectUris.map((u) => (
                      <span class="tag">
                        <code>{u}</code>
                      </span>
                    ))}
              </dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="cc-title">
            <h2 id="cc-title">Managed connections</h2>
            {connections.length === 0 ? (
              <Empty>None: this client gets no ID-JAG.</Empty>
            ) : (
              <ul>
                {connections.map((k) => (
                  <li>
                    <a href={`${base}/connections/${k.id}`}>
                      {applications.find((a) => a.id === k.applicationId)?.name ?? k.applicationId}:{' '}
                      <code>{k.resource}</code>
                    </a>{' '}
                    <StatusBadge enabled={k.enabled} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="card" aria-labelledby="block-title">
            <h2 id="block-title">Block until a date</h2>
            <p class="muted">
              A block wins over every connection: no ID-JAG for this client until the date, or until lifted.
            </p>
            <BlockForm
              action={`${base}/blocks`}
              csrf={csrf}
              kind="client"
              target={client.clientId}
              what="this client"
              today={dateInput(runtime.now())}
              back={`/clients/${encodeURIComponent(client.clientId)}`}
            />
          </section>
          <section class="card" aria-labelledby="danger-title">
            <h2 id="danger-title">Delete</h2>
            <p class="muted">
              Deletes the client with its connections and per-application client ids. The audit log keeps its history.
            </p>
            <PostButton
              action={`${path}/delete`}
              csrf={csrf}
              label="Delete client"
              kind="danger"
              confirm={`Delete ${client.clientId} and its connections?`}
            />
          </section>
        </>
      ),
    })
  })

  for (const enabled of [false, true]) {
    app.post(`${base}/clients/:id/${enabled ? 'enable' : 'disable'}`, (c) =>
      act(c, deps, `/clients/${encodeURIComponent(c.req.param('id'))}`, async () => {
        const ctx = c.var.admin
        const client = await operations.updateClient(ctx, c.req.param('id'), { enabled })
        const connections = (await ctx.store.idp.connections.list({ clientId: client.clientId })).filter(
          (k) => k.enabled,
        )
        return {
          flash: enabled
            ? { kind: 'ok', text: `Client ${client.clientId} enabled.` }
            : {
                kind: 'ok',
                text: `Client ${client.clientId} disabled.`,
                details: [
                  'It can no longer sign users in, refresh or exchange tokens (invalid_client) from the next request.',
                  `${connections.length} enabled managed ${connections.length === 1 ? 'connection stops' : 'connections stop'} issuing through it.`,
                ],
              },
        }
      }),
    )
  }

  app.post(`${base}/clients/:id/rotate-secret`, (c) =>
    act(c, deps, `/clients/${encodeURIComponent(c.req.param('id'))}`, async () => {
      const { clientSecret } = await operations.rotateClientSecret(c.var.admin, c.req.param('id'))
      return secretPage(c, deps, c.req.param('id'), clientSecret, false)
    }),
  )

  app.post(`${base}/clients/:id/delete`, (c) =>
    act(c, deps, `/clients/${encodeURIComponent(c.req.param('id'))}`, async () => {
      await operations.deleteClient(c.var.admin, c.req.param('id'))
      return {
        to: '/clients',
        flash: { kind: 'ok', text: `Client ${c.req.param('id')} deleted with its connections.` },
      }
    }),
  )
}
