/** @jsxImportSource hono/jsx */
/**
 * Blocks: a user, a client, an application, or one user on one connection (their own revocation), until a date or
 * until lifted. Blocks win over every connection. Made from a user's, client's or application's page; listed and
 * lifted here.
 */

import { Badge, Empty, formatTime, PageHead, PostButton, Time } from '@openxaa/console-ui'
import { IDP_BLOCK_KINDS, type IdpBlock, type IdpBlockKind } from '@openxaa/store'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import { AdminError } from '../admin/errors.js'
import { loadNames, type Names } from './audit-table.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { parseDate } from './format.js'
import { act, backTo, csrfOf, field, render } from './respond.js'

function targetText(block: IdpBlock, names: Names, appNames: Map<string, string>): string {
  if (block.kind === 'user') return `user ${names.users.get(block.target) ?? block.target}`
  if (block.kind === 'client') return `client ${names.clients.get(block.target) ?? block.target}`
  if (block.kind === 'application') return `application ${appNames.get(block.target) ?? block.target}`
  const [connection = '', user = ''] = block.target.split(':', 2)
  return `user ${names.users.get(user) ?? user} on connection ${connection.slice(0, 8)}`
}

/** The block pages. */
export function blockRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps

  app.get(`${base}/blocks`, async (c) => {
    const { store } = c.var.admin
    const now = runtime.now()
    const [blocks, names, apps] = await Promise.all([
      store.idp.blocks.list(),
      loadNames(store),
      store.idp.applications.list(),
    ])
    const appNames = new Map(apps.map((a) => [a.id, a.name]))
    const csrf = csrfOf(c, deps)
    return render(c, deps, {
      title: 'Blocks',
      active: 'blocks',
      body: (
        <>
          <PageHead
            title="Blocks"
            lede="Blocks win over every connection until their date or until lifted. Block a user, a client or an application from its page."
          />
          <section class="card">
            {blocks.length === 0 ? (
              <Empty>No blocks.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">Blocks</caption>
                  <thead>
                    <tr>
                      <th scope="col">Blocked</th>
                      <th scope="col">Until</th>
                      <th scope="col">Reason</th>
                      <th scope="col">By</th>
                      <th scope="col">State</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {blocks.map((b) => {
                      const active = b.until === null || b.until > now
                      return (
                        <tr>
                          <td>{targetText(b, names, appNames)}</td>
                          <td>
                            {b.until === null ? 'until lifted' : <Time ms={b.until} now={now} relative={false} />}
                          </td>
                          <td>{b.reason ?? '—'}</td>
                          <td class="small">
                            {b.createdBy.startsWith('user:')
                              ? `user ${names.users.get(b.createdBy.slice(5)) ?? b.createdBy.slice(5)}`
                              : b.createdBy}
                          </td>
                          <td>{active ? <Badge kind="deny">in force</Badge> : <Badge kind="off">expired</Badge>}</td>
                          <td>
                            {
                              <PostButton
                                action={`${base}/blocks/${b.id}/lift`}
                                csrf={csrf}
                                label={active ? 'Lift' : 'Remove'}
                                kind="secondary"
                                small
                                ariaLabel={`Lift the block on ${targetText(b, names, appNames)}`}
                              />
                            }
                          </td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/blocks`, (c) => {
    const back = backTo(field(c, 'back'), '/blocks')
    return act(c, deps, back, async () => {
      const kind = field(c, 'kind') as IdpBlockKind
      if (!IDP_BLOCK_KINDS.includes(kind)) throw new AdminError('invalid_request', 'unknown kind of block')
      const until = field(c, 'until') === '' ? null : parseDate(field(c, 'until'))
      if (until === undefined) throw new AdminError('invalid_request', 'the date must be yyyy-mm-dd')
      const block = await operations.createBlock(c.var.admin, {
        kind,
        target: field(c, 'target'),
        // A date blocks through the end of that day (UTC).
        until: until === null ? null : until + 86_400_000,
        reason: field(c, 'reason') || null,
      })
      return {
        flash: {
          kind: 'ok',
          text: `Blocked ${block.until === null ? 'until lifted' : `until ${formatTime(block.until)}`}.`,
          details: ['The next token exchange it covers is refused (access_denied, ERR_BLOCKED).'],
        },
      }
    })
  })

  app.post(`${base}/blocks/:id/lift`, (c) =>
    act(c, deps, '/blocks', async () => {
      await operations.deleteBlock(c.var.admin, c.req.param('id'))
      return { flash: { kind: 'ok', text: 'Block lifted: connections apply again from the next request.' } }
    }),
  )
}
