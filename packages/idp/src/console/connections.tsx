import { Empty, PageHead, PostButton, StatusBadge, Time } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { AdminError } from '../admin/errors.js'

import { connectionPageRoutes } from './connection.js'
import { newConnectionRoutes } from './connection-new.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, render } from './respond.js'

function usersWord(n: number): string {
  return `${n} ${n === 1 ? 'user' : 'users'}`
}

/** The connection pages. */
export function connectionRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps
  newConnectionRoutes(app, deps)
  connectionPageRoutes(app, deps)

  app.get(`${base}/connections`, async (c) => {
    const ctx = c.var.admin
    const now = runtime.now()
    const [uses, groups] = await Promise.all([operations.connectionUses(ctx), ctx.store.idp.groups.list()])
    const groupName = (id: string) => groups.find((g) => g.id === id)?.name ?? id
    const csrf = csrfOf(c, deps)
    return render(c, deps, {
      title: 'Managed connections',
      active: 'connections',
      body: (
        <>
          <PageHead
            title="Managed connections"
            lede="Which AI client may reach which resource, for which groups, with which scopes. No connection, no ID-JAG."
          >
            <a class="btn" href={`${base}/connections/new`}>
              New managed connection
            </a>
          </PageHead>
          <section class="card">
            {uses.length === 0 ? (
              <Empty>No managed connections yet.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">Managed connections</caption>
                  <thead>
                    <tr>
                      <th scope="col">AI client → resource</th>
                      <th scope="col">Groups</th>
                      <th scope="col">Scopes</th>
                      <th scope="col">Status</th>
                      <th scope="col" class="num">
                        Users
                      </th>
                      <th scope="col">Last ID-JAG</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {uses.map(({ connection: k, client, application, users, lastIssuedAt }) => (
                      <tr>
                        <td>
                          <a href={`${base}/connections/${k.id}`}>
                            {client.name} → {application.name}
                          </a>
                          <span class="help">
                            <code>{k.resource}</code>
                          </span>
                        </td>
                        <td>
                          {k.groups.map((g) => (
                            <span class="tag">{groupName(g)}</span>
                          ))}
                        </td>
                        <td>
                          {k.scopes.map((s) => (
                            <span class="tag">{s}</span>
                          ))}
                        </td>
                        <td>
                          <StatusBadge enabled={k.enabled} />
                        </td>
                        <td class="num">{users}</td>
                        <td>
                          <Time ms={lastIssuedAt} now={now} />
                        </td>
                        <td>
                          <PostButton
                            action={`${base}/connections/${k.id}/${k.enabled ? 'disable' : 'enable'}`}
                            csrf={csrf}
                            label={k.enabled ? 'Disable' : 'Enable'}
                            kind={k.enabled ? 'danger' : 'secondary'}
                            small
                            ariaLabel={`${k.enabled ? 'Disable' : 'Enable'} ${client.name} → ${application.name} (${k.resource})`}
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

  for (const enabled of [false, true]) {
    app.post(`${base}/connections/:id/${enabled ? 'enable' : 'disable'}`, (c) =>
      act(c, deps, `/connections/${c.req.param('id')}`, async () => {
        const ctx = c.var.admin
        const id = c.req.param('id')
        await operations.updateConnection(ctx, id, { enabled })
        const use = (await operations.connectionUses(ctx)).find((u) => u.connection.id === id)
        const who = use ? usersWord(use.users) : 'no users'
        return {
          flash: enabled
            ? {
                kind: 'ok',
                text: 'Connection enabled.',
                details: ['Its members get ID-JAGs again from the next request.'],
              }
            : {
                kind: 'ok',
                text: 'Connection disabled.',
                details: [
                  `The next token exchange through it is refused (access_denied, ERR_CONNECTION_DISABLED).`,
                  `${who} had received ID-JAGs through it${use?.lastIssuedAt ? `, last ${new Date(use.lastIssuedAt).toISOString()}` : ''}.`,
                  'ID-JAGs already issued expire within minutes; the resource AS decides about its access tokens.',
                ],
              },
        }
      }),
    )
  }

  app.get(`${base}/connections/:id/delete`, async (c) => {
    const use = (await operations.connectionUses(c.var.admin)).find((u) => u.connection.id === c.req.param('id'))
    if (use === undefined) throw new AdminError('not_found', 'connection not found')
    return render(c, deps, {
      title: 'Delete connection',
      active: 'connections',
      body: (
        <section class="card" aria-labelledby="delete-title">
          <h1 id="delete-title">Delete this connection?</h1>
          <p>
            {use.client.name} → {use.application.name} (<code>{use.connection.resource}</code>). {usersWord(use.users)}{' '}
            used it. Deleting stops issuance at once and removes the consent record; the audit log keeps its history. To
            pause instead, disable it.
          </p>
          {/* A div: a form may not sit in a p (the parser would close the p before it, and the gap with it). */}
          <div class="actions">
            <PostButton
              action={`${base}/connections/${use.connection.id}/delete`}
              csrf={csrfOf(c, deps)}
              label="Delete connection"
              kind="danger"
            />
            <a class="btn btn-secondary" href={`${base}/connections/${use.connection.id}`}>
              Cancel
            </a>
          </div>
        </section>
      ),
    })
  })

  app.post(`${base}/connections/:id/delete`, (c) =>
    act(c, deps, `/connections/${c.req.param('id')}`, async () => {
      await operations.deleteConnection(c.var.admin, c.req.param('id'))
      return { to: '/connections', flash: { kind: 'ok', text: 'Connection deleted: no further ID-JAGs through it.' } }
    }),
  )
}
