/** @jsxImportSource hono/jsx */
/** The audit log of redemptions and refusals (and admin changes): filters, newest first, paged, reasons shown. */

import { PageHead, Select } from '@openxaa/console-ui'
import { AUDIT_DECISIONS, type AuditDecision, type AuditQuery } from '@openxaa/store'
import type { Hono } from 'hono'
import { AuditTable } from './audit-table.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { render } from './respond.js'

const ACTIONS = [
  { value: 'id_jag.redeem', label: 'ID-JAG redemptions' },
  { value: 'access_token.*', label: 'Introspection and revocation' },
  { value: 'admin.*', label: 'Administrative changes' },
  { value: 'console.*', label: 'Console sign-in' },
]

/** GET /console/audit. */
export function auditRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, service } = deps
  app.get(`${base}/audit`, async (c) => {
    const q = {
      organization: c.req.query('organization') ?? '',
      clientId: c.req.query('clientId') ?? '',
      decision: c.req.query('decision') ?? '',
      action: c.req.query('action') ?? 'id_jag.redeem',
    }
    const filter: AuditQuery = { limit: 50 }
    if (q.organization) filter.organization = q.organization
    if (q.clientId) filter.clientId = q.clientId
    if (AUDIT_DECISIONS.includes(q.decision as AuditDecision)) filter.decision = q.decision as AuditDecision
    if (/^[A-Za-z0-9_.:*-]{1,200}$/.test(q.action)) filter.action = q.action
    const cursor = c.req.query('cursor')
    if (cursor) filter.cursor = cursor
    const [page, organizations, clients] = await Promise.all([
      service.queryAudit(filter),
      service.listOrganizations(),
      service.listClients(),
    ])
    const query = (extra: Record<string, string>) => {
      const p = new URLSearchParams()
      for (const [k, v] of Object.entries({ ...q, ...extra })) if (v) p.set(k, v)
      return `?${p}`
    }
    return render(c, deps, {
      title: 'Redemptions and refusals',
      active: 'audit',
      body: (
        <>
          <PageHead
            title="Redemptions and refusals"
            lede="Every token request with its decision; refusals with their reason code and spec rule. Times are UTC."
          />
          <section class="card">
            <h2 class="visually-hidden">Filters</h2>
            <form method="get" action={`${base}/audit`} class="filters">
              <Select
                id="organization"
                label="Organization"
                options={organizations.map((o) => ({ value: o.id, label: o.name }))}
                value={q.organization}
                blank="Any"
              />
              <Select
                id="clientId"
                label="Client"
                options={clients.map((x) => ({ value: x.clientId, label: x.clientId }))}
                value={q.clientId}
                blank="Any"
              />
              <Select
                id="decision"
                label="Decision"
                options={AUDIT_DECISIONS.map((d) => ({ value: d, label: d === 'deny' ? 'deny (refusals)' : d }))}
                value={q.decision}
                blank="Any"
              />
              <Select id="action" label="Action" options={ACTIONS} value={q.action} />
              <div class="actions">
                <button class="btn" type="submit">
                  Filter
                </button>
                <a href={`${base}/audit`}>Clear</a>
              </div>
            </form>
          </section>
          <section class="card" aria-labelledby="events-title">
            <h2 id="events-title">{cursor ? 'Older events' : 'Newest events'}</h2>
            <AuditTable
              events={page.events}
              caption="Audit events, newest first"
              empty="No events match these filters."
            />
            <nav class="pager" aria-label="Pages">
              {cursor && <a href={`${base}/audit${query({})}`}>← Newest</a>}
              {page.nextCursor && <a href={`${base}/audit${query({ cursor: page.nextCursor })}`}>Older events →</a>}
            </nav>
          </section>
        </>
      ),
    })
  })
}
