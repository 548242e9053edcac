/** @jsxImportSource hono/jsx */
/**
 * Users: the directory, a new user, one user's page (groups, administrator role, disable with its effect shown:
 * sessions and tokens revoked and no further ID-JAG; enable; a block until a date; their recent activity).
 */

import { Badge, Csrf, Empty, Field, PageHead, PostButton, Select, StatusBadge } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { ADMIN_ROLE } from '../admin/api/auth.js'
import { AuditTable, loadNames } from './audit-table.js'
import { BlockForm } from './components.js'
import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { dateInput } from './format.js'
import { act, csrfOf, field, render } from './respond.js'

/** The user pages. */
export function userRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps

  app.get(`${base}/users`, async (c) => {
    const { store } = c.var.admin
    const users = await store.idp.users.list({ limit: 10_000 })
    const csrf = csrfOf(c, deps)
    return render(c, deps, {
      title: 'Users',
      active: 'users',
      body: (
        <>
          <PageHead title="Users" lede="Your people. Disabling a user revokes their sessions and tokens at once." />
          <section class="card">
            {users.length === 0 ? (
              <Empty>No users.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">Users</caption>
                  <thead>
                    <tr>
                      <th scope="col">User</th>
                      <th scope="col">Email</th>
                      <th scope="col">Roles</th>
                      <th scope="col">Status</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {users.map((u) => (
                      <tr>
                        <td>
                          <a href={`${base}/users/${u.id}`}>{u.username}</a>
                          {u.name && <span class="help">{u.name}</span>}
                        </td>
                        <td>
                          {u.email ?? '—'} {u.email && !u.emailVerified && <Badge kind="warn">unverified</Badge>}
                        </td>
                        <td>{u.roles.length === 0 ? '—' : u.roles.map((r) => <span class="tag">{r}</span>)}</td>
                        <td>
                          <StatusBadge enabled={u.status === 'active'} off="Disabled" />
                        </td>
                        <td>
                          {u.id !== c.var.user.id && (
                            <PostButton
                              action={`${base}/users/${u.id}/${u.status === 'active' ? 'disable' : 'enable'}`}
                              csrf={csrf}
                              label={u.status === 'active' ? 'Disable' : 'Enable'}
                              kind={u.status === 'active' ? 'danger' : 'secondary'}
                              small
                              ariaLabel={`${u.status === 'active' ? 'Disable' : 'Enable'} ${u.username}`}
                            />
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section class="card form" aria-labelledby="new-user-title">
            <h2 id="new-user-title">Add a user</h2>
            <form method="post" action={`${base}/users/new`}>
              <Csrf token={csrf} />
              <Field id="username" label="Username" required autocomplete="off" />
              <Field id="name" label="Full name" />
              <Field id="email" label="Email" type="email" />
              <label class="check" for="emailVerified">
                <input id="emailVerified" type="checkbox" name="emailVerified" value="yes" />
                <span>The email address is verified</span>
              </label>
              <Field
                id="password"
                label="Initial password"
                type="password"
                autocomplete="new-password"
                help="At least 12 characters. Leave empty for a user who signs in elsewhere."
              />
              <label class="check" for="admin">
                <input id="admin" type="checkbox" name="admin" value="yes" />
                <span>Administrator (may use this console)</span>
              </label>
              <button class="btn" type="submit">
                Add user
              </button>
            </form>
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/users/new`, (c) =>
    act(c, deps, '/users', async () => {
      const password = c.var.form.get('password') ?? ''
      if (password !== '' && password.length < 12) throw new TypeError('the password must have at least 12 characters')
      const user = await operations.createUser(c.var.admin, {
        username: field(c, 'username'),
        name: field(c, 'name') || null,
        email: field(c, 'email') || null,
        emailVerified: c.var.form.get('emailVerified') === 'yes',
        ...(password === '' ? {} : { password }),
        roles: c.var.form.get('admin') === 'yes' ? [ADMIN_ROLE] : [],
      })
      return {
        to: `/users/${user.id}`,
        flash: { kind: 'ok', text: `User ${user.username} added. Add them to groups next.` },
      }
    }),
  )

  app.get(`${base}/users/:id`, async (c) => {
    const ctx = c.var.admin
    const now = runtime.now()
    const user = await operations.getUser(ctx, c.req.param('id'))
    const [groups, activity, names] = await Promise.all([
      ctx.store.idp.groups.list(),
      ctx.store.audit.query({ userId: user.id, limit: 10 }),
      loadNames(ctx.store),
    ])
    const csrf = csrfOf(c, deps)
    const path = `${base}/users/${user.id}`
    const self = user.id === c.var.user.id
    const admin = user.roles.includes(ADMIN_ROLE)
    return render(c, deps, {
      title: user.username,
      active: 'users',
      body: (
        <>
          <PageHead title={`${user.username}${user.name ? ` (${user.name})` : ''}`}>
            {!self && (
              <PostButton
                action={`${path}/${user.status === 'active' ? 'disable' : 'enable'}`}
                csrf={csrf}
                label={user.status === 'active' ? 'Disable user' : 'Enable user'}
                kind={user.status === 'active' ? 'danger' : 'primary'}
                confirm={
                  user.status === 'active' ? `Disable ${user.username} and revoke every session and token?` : undefined
                }
              />
            )}
            {!self && (
              <PostButton
                action={`${path}/roles`}
                csrf={csrf}
                label={admin ? 'Remove administrator role' : 'Make administrator'}
                kind="secondary"
                fields={{ admin: admin ? 'no' : 'yes' }}
              />
            )}
          </PageHead>
          <div class="grid2">
            <section class="card">
              <h2>Profile</h2>
              <dl class="facts">
                <dt>Status</dt>
                <dd>
                  <StatusBadge enabled={user.status === 'active'} />
                </dd>
                <dt>Email</dt>
                <dd>
                  {user.email ?? '—'}{' '}
                  {user.email &&
                    (user.emailVerified ? <Badge kind="ok">verified</Badge> : <Badge kind="warn">unverified</Badge>)}
                </dd>
                <dt>Roles</dt>
                <dd>{user.roles.length === 0 ? '—' : user.roles.join(', ')}</dd>
                <dt>User id</dt>
                <dd>
                  <code>{user.id}</code>
                </dd>
              </dl>
            </section>
            <section class="card" aria-labelledby="groups-title">
              <h2 id="groups-title">Groups</h2>
              {user.groups.length === 0 ? (
                <Empty>In no group: no managed connection applies.</Empty>
              ) : (
                <ul>
                  {user.groups.map((g) => (
                    <li>
                      <a href={`${base}/groups/${g.id}`}>{g.name}</a>{' '}
                      <PostButton
                        action={`${base}/groups/${g.id}/members/remove`}
                        csrf={csrf}
                        label="Remove"
                        kind="secondary"
                        small
                        fields={{ userId: user.id, back: `/users/${user.id}` }}
                        ariaLabel={`Remove ${user.username} from ${g.name}`}
                      />
                    </li>
                  ))}
                </ul>
              )}
              <form method="post" action={`${base}/users/${user.id}/groups`} class="row">
                <Csrf token={csrf} />
                <Select
                  id="groupId"
                  label="Add to group"
                  options={groups
                    .filter((g) => !user.groups.some((x) => x.id === g.id))
                    .map((g) => ({ value: g.id, label: g.name }))}
                  required
                />
                <button class="btn btn-secondary" type="submit">
                  Add
                </button>
              </form>
            </section>
          </div>
          <section class="card" aria-labelledby="block-title">
            <h2 id="block-title">Block until a date</h2>
            <p class="muted">No ID-JAG for this user until the date (or until lifted); their sign-ins keep working.</p>
            <BlockForm
              action={`${base}/blocks`}
              csrf={csrf}
              kind="user"
              target={user.id}
              what="this user"
              today={dateInput(now)}
              back={`/users/${user.id}`}
            />
          </section>
          <section class="card" aria-labelledby="act-title">
            <div class="card-head">
              <h2 id="act-title">Recent activity</h2>
              <a href={`${base}/audit?user=${encodeURIComponent(user.username)}`}>All of it in the audit log</a>
            </div>
            <AuditTable
              events={activity.events}
              names={names}
              now={now}
              caption="Recent events about this user"
              empty="No events yet."
            />
          </section>
        </>
      ),
    })
  })

  for (const status of ['disabled', 'active'] as const) {
    app.post(`${base}/users/:id/${status === 'active' ? 'enable' : 'disable'}`, (c) =>
      act(c, deps, `/users/${c.req.param('id')}`, async () => {
        if (c.req.param('id') === c.var.user.id) throw new TypeError('you cannot change your own status here')
        const { user, revoked } = await operations.changeUserStatus(c.var.admin, c.req.param('id'), status)
        return {
          flash:
            status === 'active'
              ? { kind: 'ok', text: `${user.username} enabled: they can sign in again.` }
              : {
                  kind: 'ok',
                  text: `${user.username} disabled.`,
                  details: [
                    `${revoked} ${revoked === 1 ? 'session, grant or token' : 'sessions, grants and tokens'} revoked.`,
                    'No ID-JAG is issued for them from the next request (access_denied, ERR_USER_DISABLED).',
                  ],
                },
        }
      }),
    )
  }

  app.post(`${base}/users/:id/roles`, (c) =>
    act(c, deps, `/users/${c.req.param('id')}`, async () => {
      if (c.req.param('id') === c.var.user.id) throw new TypeError('you cannot change your own roles')
      const current = await operations.getUser(c.var.admin, c.req.param('id'))
      const others = current.roles.filter((r) => r !== ADMIN_ROLE)
      const roles = field(c, 'admin') === 'yes' ? [...others, ADMIN_ROLE] : others
      const user = await operations.updateUser(c.var.admin, current.id, { roles })
      return {
        flash: {
          kind: 'ok',
          text: `${user.username} ${roles.includes(ADMIN_ROLE) ? 'is now an administrator' : 'is no longer an administrator'}.`,
        },
      }
    }),
  )

  app.post(`${base}/users/:id/groups`, (c) =>
    act(c, deps, `/users/${c.req.param('id')}`, async () => {
      await operations.addMember(c.var.admin, field(c, 'groupId'), c.req.param('id'))
      return { flash: { kind: 'ok', text: 'Added to the group: its connections apply from the next request.' } }
    }),
  )
}
