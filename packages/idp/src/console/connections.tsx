/** @jsxImportSource hono/jsx */
/**
 * Managed connections: the list with their use, one connection's page (consent record, use, edit groups and scopes,
 * disable or enable in one click with its effect shown, delete after a confirmation). An edit that widens the groups
 * or the scopes goes through the consent step again; narrowing does not.
 */
import type { IdpConnectionPatch } from '@openxaa/store'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { AdminError, found } from '../admin/errors.js'
import { Badge, Checkboxes, Csrf, Empty, Field, PageHead, PostButton, StatusBadge, Time } from './components.js'
import { draftFields, newConnectionRoutes, readDraft } from './connection-new.js'
import { consentGiven, consentPage } from './consent.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, render } from './respond.js'

function usersWord(n: number): string {
  return `${n} ${n === 1 ? 'user' : 'users'}`
}

/** The connection pages. */
export function connectionRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps
  newConnectionRoutes(app, deps)

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

  app.get(`${base}/connections/:id`, async (c) => {
    const ctx = c.var.admin
    const now = runtime.now()
    const use = (await operations.connectionUses(ctx)).find((u) => u.connection.id === c.req.param('id'))
    if (use === undefined) throw new AdminError('not_found', 'connection not found')
    const k = use.connection
    const [groups, resources, consenter] = await Promise.all([
      ctx.store.idp.groups.list(),
      ctx.store.idp.applications.resources(use.application.id),
      ctx.store.idp.users.get(k.consentGrantedBy),
    ])
    const offered = resources.find((r) => r.uri === k.resource)?.scopes ?? k.scopes
    const csrf = csrfOf(c, deps)
    const action = `${base}/connections/${k.id}`
    return render(c, deps, {
      title: `${use.client.name} → ${use.application.name}`,
      active: 'connections',
      body: (
        <>
          <PageHead title={`${use.client.name} → ${use.application.name}`}>
            <PostButton
              action={`${action}/${k.enabled ? 'disable' : 'enable'}`}
              csrf={csrf}
              label={k.enabled ? 'Disable connection' : 'Enable connection'}
              kind={k.enabled ? 'danger' : 'primary'}
            />
            <a class="btn btn-secondary" href={`${action}/delete`}>
              Delete…
            </a>
          </PageHead>
          <div class="grid2">
            <section class="card" aria-labelledby="facts-title">
              <h2 id="facts-title">Connection</h2>
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  <StatusBadge enabled={k.enabled} />
                </dd>
                <dt>AI client</dt>
                <dd>
                  {use.client.name} <code>{use.client.clientId}</code>{' '}
                  {!use.client.enabled && <Badge kind="off">client disabled</Badge>}
                </dd>
                <dt>Application</dt>
                <dd>
                  <a href={`${base}/applications/${use.application.id}`}>{use.application.name}</a>{' '}
                  <code>{use.application.issuer}</code>
                </dd>
                <dt>Resource</dt>
                <dd>
                  <code>{k.resource}</code>
                </dd>
                <dt>Consent</dt>
                <dd>
                  granted on behalf of the organization by{' '}
                  <strong>{consenter ? consenter.username : k.consentGrantedBy}</strong>,{' '}
                  <Time ms={k.consentGrantedAt} now={now} relative={false} />
                </dd>
              </dl>
            </section>
            <section class="card" aria-labelledby="use-title">
              <h2 id="use-title">Use (from the audit log)</h2>
              <dl class="facts">
                <dt>Distinct users</dt>
                <dd>{use.users}</dd>
                <dt>ID-JAGs issued</dt>
                <dd>{use.issued}</dd>
                <dt>Last issued</dt>
                <dd>
                  <Time ms={use.lastIssuedAt} now={now} />
                </dd>
              </dl>
              <p>
                <a
                  href={`${base}/audit?client=${encodeURIComponent(k.clientId)}&application=${encodeURIComponent(use.application.id)}&action=id_jag.issue`}
                >
                  Its issuances and refusals in the audit log
                </a>
              </p>
            </section>
          </div>
          <section class="card form" aria-labelledby="edit-title">
            <h2 id="edit-title">Groups and scopes</h2>
            <form method="post" action={action}>
              <Csrf token={csrf} />
              <Checkboxes
                legend="Groups whose members may use it"
                name="groups"
                options={groups.map((g) => ({ value: g.id, label: g.name }))}
                checked={k.groups}
              />
              <Checkboxes
                legend="Scopes it allows (at most)"
                name="scopes"
                options={offered.map((s) => ({ value: s, label: s }))}
                checked={k.scopes}
              />
              <Field
                id="maxAuthAge"
                label="Maximum sign-in age in seconds (empty: any)"
                type="number"
                min="1"
                value={k.maxAuthAge === null ? '' : String(k.maxAuthAge)}
              />
              <button class="btn" type="submit">
                Save changes
              </button>
              <span class="help">Adding groups or scopes asks for consent again.</span>
            </form>
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/connections/:id`, (c) =>
    act(c, deps, `/connections/${c.req.param('id')}`, async () => {
      const ctx = c.var.admin
      const current = found(await ctx.store.idp.connections.get(c.req.param('id')), 'connection')
      c.var.form.set('clientId', current.clientId)
      c.var.form.set('applicationId', current.applicationId)
      c.var.form.set('resource', current.resource)
      const { draft, subject } = await readDraft(ctx.store, c)
      const widens =
        draft.groups.some((g) => !current.groups.includes(g)) || draft.scopes.some((s) => !current.scopes.includes(s))
      const patch: IdpConnectionPatch = { groups: draft.groups, scopes: draft.scopes, maxAuthAge: draft.maxAuthAge }
      if (widens && !consentGiven(c.var.form)) {
        return consentPage(c, deps, {
          subject: { ...subject, before: { groups: current.groups, scopes: current.scopes } },
          action: `${base}/connections/${current.id}`,
          cancel: `${base}/connections/${current.id}`,
          hidden: draftFields({ groups: draft.groups, scopes: draft.scopes, maxAuthAge: draft.maxAuthAge }),
        })
      }
      if (widens) Object.assign(patch, { consentGrantedBy: c.var.user.id, consentGrantedAt: ctx.now() })
      await operations.updateConnection(ctx, current.id, patch)
      return {
        flash: {
          kind: 'ok',
          text: 'Connection saved.',
          details: widens ? [`Consent recorded: granted by ${c.var.user.username} on behalf of the organization.`] : [],
        },
      }
    }),
  )

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
          <p class="actions">
            <PostButton
              action={`${base}/connections/${use.connection.id}/delete`}
              csrf={csrfOf(c, deps)}
              label="Delete connection"
              kind="danger"
            />
            <a class="btn btn-secondary" href={`${base}/connections/${use.connection.id}`}>
              Cancel
            </a>
          </p>
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
