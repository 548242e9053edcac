/** @jsxImportSource hono/jsx */
/** Groups: the list, a new group, one group's members (add, remove), deletion. Connections name groups. */

import { Csrf, Empty, Field, PageHead, PostButton, Select } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { found } from '../admin/errors.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, backTo, csrfOf, field, render } from './respond.js'

/** The group pages. */
export function groupRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base } = deps

  app.get(`${base}/groups`, async (c) => {
    const { store } = c.var.admin
    const groups = await store.idp.groups.list()
    const [members, connections] = await Promise.all([
      Promise.all(groups.map((g) => store.idp.groups.members(g.id))),
      store.idp.connections.list(),
    ])
    return render(c, deps, {
      title: 'Groups',
      active: 'groups',
      body: (
        <>
          <PageHead
            title="Groups"
            lede="Managed connections are granted to groups; a user's groups decide what their AI clients may reach."
          />
          <section class="card">
            {groups.length === 0 ? (
              <Empty>No groups.</Empty>
            ) : (
              <table>
                <caption class="visually-hidden">Groups</caption>
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    <th scope="col">Description</th>
                    <th scope="col" class="num">
                      Members
                    </th>
                    <th scope="col" class="num">
                      Connections
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {groups.map((g, i) => (
                    <tr>
                      <td>
                        <a href={`${base}/groups/${g.id}`}>{g.name}</a>
                      </td>
                      <td>{g.description ?? '—'}</td>
                      <td class="num">{members[i]?.length ?? 0}</td>
                      <td class="num">{connections.filter((k) => k.groups.includes(g.id)).length}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section class="card form" aria-labelledby="new-group-title">
            <h2 id="new-group-title">New group</h2>
            <form method="post" action={`${base}/groups/new`}>
              <Csrf token={csrfOf(c, deps)} />
              <Field id="name" label="Name" required />
              <Field id="description" label="Description (optional)" />
              <button class="btn" type="submit">
                Create group
              </button>
            </form>
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/groups/new`, (c) =>
    act(c, deps, '/groups', async () => {
      const g = await operations.createGroup(c.var.admin, {
        name: field(c, 'name'),
        description: field(c, 'description') || null,
      })
      return { to: `/groups/${g.id}`, flash: { kind: 'ok', text: `Group ${g.name} created. Add members next.` } }
    }),
  )

  app.get(`${base}/groups/:id`, async (c) => {
    const { store } = c.var.admin
    const group = found(await store.idp.groups.get(c.req.param('id')), 'group')
    const [memberIds, users] = await Promise.all([
      store.idp.groups.members(group.id),
      store.idp.users.list({ limit: 10_000 }),
    ])
    const members = users.filter((u) => memberIds.includes(u.id))
    const csrf = csrfOf(c, deps)
    const path = `${base}/groups/${group.id}`
    return render(c, deps, {
      title: group.name,
      active: 'groups',
      body: (
        <>
          <PageHead title={`Group ${group.name}`} lede={group.description ?? undefined} />
          <section class="card" aria-labelledby="members-title">
            <h2 id="members-title">Members</h2>
            {members.length === 0 ? (
              <Empty>No members.</Empty>
            ) : (
              <table>
                <caption class="visually-hidden">Members</caption>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Email</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {members.map((u) => (
                    <tr>
                      <td>
                        <a href={`${base}/users/${u.id}`}>{u.username}</a>
                      </td>
                      <td>{u.email ?? '—'}</td>
                      <td>
                        <PostButton
                          action={`${path}/members/remove`}
                          csrf={csrf}
                          label="Remove"
                          kind="secondary"
                          small
                          fields={{ userId: u.id }}
                          ariaLabel={`Remove ${u.username}`}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <form method="post" action={`${path}/members`} class="row">
              <Csrf token={csrf} />
              <Select
                id="userId"
                label="Add a member"
                options={users
                  .filter((u) => !memberIds.includes(u.id))
                  .map((u) => ({ value: u.id, label: u.username }))}
                required
              />
              <button class="btn btn-secondary" type="submit">
                Add member
              </button>
            </form>
          </section>
          <section class="card" aria-labelledby="del-title">
            <h2 id="del-title">Delete</h2>
            <p class="muted">Connections naming this group stop applying to its members.</p>
            <PostButton
              action={`${path}/delete`}
              csrf={csrf}
              label="Delete group"
              kind="danger"
              confirm={`Delete the group ${group.name}?`}
            />
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/groups/:id/members`, (c) =>
    act(c, deps, `/groups/${c.req.param('id')}`, async () => {
      await operations.addMember(c.var.admin, c.req.param('id'), field(c, 'userId'))
      return { flash: { kind: 'ok', text: 'Member added: the group’s connections apply from the next request.' } }
    }),
  )
  app.post(`${base}/groups/:id/members/remove`, (c) => {
    const back = backTo(field(c, 'back'), `/groups/${c.req.param('id')}`)
    return act(c, deps, back, async () => {
      await operations.removeMember(c.var.admin, c.req.param('id'), field(c, 'userId'))
      return { flash: { kind: 'ok', text: 'Member removed: the group’s connections no longer apply to them.' } }
    })
  })
  app.post(`${base}/groups/:id/delete`, (c) =>
    act(c, deps, `/groups/${c.req.param('id')}`, async () => {
      await operations.deleteGroup(c.var.admin, c.req.param('id'))
      return { to: '/groups', flash: { kind: 'ok', text: 'Group deleted.' } }
    }),
  )
}
