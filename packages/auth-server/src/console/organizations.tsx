/** @jsxImportSource hono/jsx */
/**
 * The AS console's home: the organizations (enterprise customers) with how many of their issuer trusts are enabled,
 * a new organization, and the newest refused redemptions.
 */

import { Csrf, Field, PageHead } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { AuditTable } from './audit-table.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { act, csrfOf, field, render } from './respond.js'

/** GET /console, POST /console/organizations. */
export function organizationRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, service } = deps

  app.get(base, async (c) => {
    const [organizations, trusts, clients, refusals] = await Promise.all([
      service.listOrganizations(),
      service.listTrusts(),
      service.listClients(),
      service.queryAudit({ action: 'id_jag.redeem', decision: 'deny', limit: 8 }),
    ])
    return render(c, deps, {
      title: 'Organizations',
      active: 'organizations',
      body: (
        <>
          <PageHead
            title="Organizations and issuer trusts"
            lede="Your enterprise customers. Each trusts one or more identity providers to issue ID-JAGs for its people; a trust starts disabled until you verify and enable it."
          />
          <section class="card">
            {organizations.length === 0 ? (
              <p class="empty">No organizations yet.</p>
            ) : (
              <table>
                <caption class="visually-hidden">Organizations</caption>
                <thead>
                  <tr>
                    <th scope="col">Organization</th>
                    <th scope="col">Id</th>
                    <th scope="col" class="num">
                      Trusts enabled
                    </th>
                    <th scope="col" class="num">
                      Clients
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {organizations.map((o) => {
                    const own = trusts.filter((t) => t.organizationId === o.id)
                    return (
                      <tr>
                        <td>
                          <a href={`${base}/organizations/${encodeURIComponent(o.id)}`}>{o.name}</a>
                        </td>
                        <td>
                          <code>{o.id}</code>
                        </td>
                        <td class="num">
                          {own.filter((t) => t.enabled).length} of {own.length}
                        </td>
                        <td class="num">{clients.filter((x) => x.organizationId === o.id).length}</td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            )}
          </section>
          <section class="card form" aria-labelledby="new-org-title">
            <h2 id="new-org-title">New organization</h2>
            <form method="post" action={`${base}/organizations`}>
              <Csrf token={csrfOf(c, deps)} />
              <Field id="id" label="Id" required help="Short and stable, e.g. acme." />
              <Field id="name" label="Name" help="e.g. Acme Corp" />
              <button class="btn" type="submit">
                Create organization
              </button>
            </form>
          </section>
          <section class="card" aria-labelledby="refusals-title">
            <div class="card-head">
              <h2 id="refusals-title">Newest refused redemptions</h2>
              <a href={`${base}/audit?decision=deny`}>All refusals</a>
            </div>
            <AuditTable events={refusals.events} caption="Newest refused redemptions" empty="No refused redemptions." />
          </section>
        </>
      ),
    })
  })

  app.post(`${base}/organizations`, (c) =>
    act(c, deps, '', async () => {
      const id = field(c, 'id')
      const name = field(c, 'name')
      const o = await service.createOrganization(
        { type: 'admin', id: c.var.adminKeyId },
        { id, ...(name === '' ? {} : { name }) },
      )
      return {
        to: `/organizations/${encodeURIComponent(o.id)}`,
        flash: {
          kind: 'ok',
          text: `Organization ${o.name} created. Add its identity provider as an issuer trust next.`,
        },
      }
    }),
  )
}
