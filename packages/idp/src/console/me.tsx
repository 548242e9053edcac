/** @jsxImportSource hono/jsx */
/**
 * "My AI connections", for every employee: which AI clients got ID-JAGs on my behalf, to which resources, how often
 * and when last (from the audit log), my recent activity, and "revoke my access" per connection (a block on that
 * connection for me alone, which the token exchange reads on every request) or "restore" it.
 */

import { Badge, Empty, PageHead, PostButton, Time } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { AuditTable, loadNames } from './audit-table.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, render } from './respond.js'

/** GET /console/me and the revoke and restore actions. */
export function meRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps

  app.get(`${base}/me`, async (c) => {
    const ctx = c.var.admin
    const now = runtime.now()
    const [own, activity, names] = await Promise.all([
      operations.listOwnConnections(ctx),
      operations.ownActivity(ctx, 15),
      loadNames(ctx.store),
    ])
    const csrf = csrfOf(c, deps)
    return render(c, deps, {
      title: 'My AI connections',
      active: 'me',
      body: (
        <>
          <PageHead
            title="My AI connections"
            lede="AI clients your organization allows to act for you, what they reached on your behalf and when. Revoke any of them for yourself; your organization's settings stay as they are for everyone else."
          />
          <section class="card" aria-labelledby="mine-title">
            <h2 id="mine-title">Connections</h2>
            {own.length === 0 ? (
              <Empty>No AI client can act for you yet.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">My AI connections</caption>
                  <thead>
                    <tr>
                      <th scope="col">AI client</th>
                      <th scope="col">Reaches</th>
                      <th scope="col">Scopes</th>
                      <th scope="col" class="num">
                        Times
                      </th>
                      <th scope="col">Last time</th>
                      <th scope="col">Status</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {own.map((o) => {
                      const path = `${base}/me/connections/${o.connection.id}`
                      const label = `${o.clientName} → ${o.application.name}`
                      return (
                        <tr>
                          <td>{o.clientName}</td>
                          <td>
                            {o.application.name}
                            <span class="help">
                              <code>{o.connection.resource}</code>
                            </span>
                          </td>
                          <td>
                            {o.connection.scopes.map((s) => (
                              <span class="tag">{s}</span>
                            ))}
                          </td>
                          <td class="num">{o.usage?.events ?? 0}</td>
                          <td>
                            <Time ms={o.usage?.lastAt} now={now} />
                          </td>
                          <td>
                            {o.revokedBy ? (
                              <Badge kind="deny">revoked by you</Badge>
                            ) : o.eligible ? (
                              <Badge kind="ok">active</Badge>
                            ) : (
                              <Badge kind="off">not available</Badge>
                            )}
                            {o.revokedBy && (
                              <span class="help">
                                since <Time ms={o.revokedBy.createdAt} now={now} />
                              </span>
                            )}
                          </td>
                          <td>
                            {o.revokedBy ? (
                              <PostButton
                                action={`${path}/restore`}
                                csrf={csrf}
                                label="Restore"
                                kind="secondary"
                                small
                                ariaLabel={`Restore ${label}`}
                              />
                            ) : (
                              <PostButton
                                action={`${path}/revoke`}
                                csrf={csrf}
                                label="Revoke my access"
                                kind="danger"
                                small
                                ariaLabel={`Revoke my access: ${label}`}
                                confirm={`Stop ${o.clientName} from reaching ${o.application.name} on your behalf?`}
                              />
                            )}
                          </td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section class="card" aria-labelledby="activity-title">
            <h2 id="activity-title">Recent activity on my behalf</h2>
            <AuditTable
              events={activity}
              names={names}
              now={now}
              caption="ID-JAGs issued or refused for me"
              compact
              empty="No AI client has asked for access on your behalf yet."
            />
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/me/connections/:id/revoke`, (c) =>
    act(c, deps, '/me', async () => {
      const ctx = c.var.admin
      await operations.revokeOwnConnection(ctx, c.req.param('id'))
      const own = (await operations.listOwnConnections(ctx)).find((o) => o.connection.id === c.req.param('id'))
      return {
        flash: {
          kind: 'ok',
          text: `Revoked: ${own?.clientName ?? 'the client'} can no longer reach ${own?.application.name ?? 'the application'} on your behalf.`,
          details: [
            'Its next request for you is refused (access_denied). Tokens it already holds expire within minutes.',
            'You can restore it here at any time.',
          ],
        },
      }
    }),
  )

  app.post(`${base}/me/connections/:id/restore`, (c) =>
    act(c, deps, '/me', async () => {
      await operations.restoreOwnConnection(c.var.admin, c.req.param('id'))
      return { flash: { kind: 'ok', text: 'Restored: the connection works for you again from the next request.' } }
    }),
  )
}
