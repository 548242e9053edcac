/** @jsxImportSource hono/jsx */
/**
 * The audit log: filters (user, client, application, decision, action, time), newest first, paged, every refusal with
 * its reason code, rule and detail; the same filters export as JSON lines or CSV.
 */

import { Field, PageHead, Select } from '@openxaa/console-ui'
import { AUDIT_DECISIONS, type AuditDecision } from '@openxaa/store'
import type { Context, Hono } from 'hono'
import { type AuditFilter, operations } from '../admin/administration.js'
import { recordQuietly } from '../audit.js'
import { requestIdOfContext, withRequestId } from '../request-id.js'
import { exportStream } from './audit-export.js'
import { AuditTable, loadNames } from './audit-table.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { dateInput, parseDate } from './format.js'
import { render } from './respond.js'

const ACTIONS = [
  { value: 'id_jag.issue', label: 'ID-JAG issuance and refusal' },
  { value: 'sign_in', label: 'Sign-in (single sign-on)' },
  { value: 'consent', label: 'User consent at sign-in' },
  { value: 'user.connection.*', label: 'Employee revocations' },
  { value: 'admin.*', label: 'Administrative changes' },
  { value: 'console.*', label: 'Console sign-in and refusals' },
]

const FILTERS = ['user', 'client', 'application', 'decision', 'action', 'since', 'until'] as const
type Query = Partial<Record<(typeof FILTERS)[number], string>>

/** The filters of a request, resolved for the operation; also what the form shows back. */
async function readFilter(c: Context<ConsoleEnv>) {
  const q: Query = {}
  for (const name of FILTERS) {
    const v = c.req.query(name)?.trim()
    if (v) q[name] = v
  }
  const filter: AuditFilter = {}
  const ctx = c.var.admin
  if (q.user) {
    // A username or a user id; an unknown name filters to nothing rather than to everything.
    const user = (await ctx.store.idp.users.findByUsername(q.user)) ?? (await ctx.store.idp.users.get(q.user))
    filter.user = user?.id ?? q.user
  }
  if (q.client) filter.client = q.client
  if (q.application) filter.application = q.application
  if (q.decision && AUDIT_DECISIONS.includes(q.decision as AuditDecision)) filter.decision = q.decision as AuditDecision
  if (q.action && /^[A-Za-z0-9_.:*-]{1,200}$/.test(q.action)) filter.action = q.action
  const since = parseDate(q.since)
  const until = parseDate(q.until)
  if (since !== undefined) filter.since = since
  // "To" is inclusive: until the end of that day.
  if (until !== undefined) filter.until = until + 86_400_000
  return { q, filter }
}

function queryString(q: Query, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...q, ...extra })) if (v) params.set(k, v)
  const s = params.toString()
  return s === '' ? '' : `?${s}`
}

/** GET /console/audit and its exports. */
export function auditRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps

  app.get(`${base}/audit`, async (c) => {
    const ctx = c.var.admin
    const now = runtime.now()
    const { q, filter } = await readFilter(c)
    const cursor = c.req.query('cursor')
    const [page, names, clients, apps] = await Promise.all([
      operations.queryAudit(ctx, { ...filter, limit: 50, ...(cursor ? { cursor } : {}) }),
      loadNames(ctx.store),
      ctx.store.idp.clients.list(),
      ctx.store.idp.applications.list(),
    ])
    return render(c, deps, {
      title: 'Audit log',
      active: 'audit',
      body: (
        <>
          <PageHead
            title="Audit log"
            lede="Every sign-in, ID-JAG issuance and refusal (with its reason) and every administrative change. Times are UTC."
          >
            <a class="btn btn-secondary" href={`${base}/audit/export.csv${queryString(q)}`}>
              Export CSV
            </a>
            <a class="btn btn-secondary" href={`${base}/audit/export.jsonl${queryString(q)}`}>
              Export JSON lines
            </a>
          </PageHead>
          <section class="card" aria-labelledby="filter-title">
            <h2 id="filter-title" class="visually-hidden">
              Filters
            </h2>
            <form method="get" action={`${base}/audit`} class="filters">
              <Field id="user" label="User" value={q.user ?? ''} placeholder="username" />
              <Select
                id="client"
                label="AI client"
                options={clients.map((x) => ({ value: x.clientId, label: x.name }))}
                value={q.client ?? ''}
                blank="Any"
              />
              <Select
                id="application"
                label="Application"
                options={apps.map((a) => ({ value: a.id, label: a.name }))}
                value={q.application ?? ''}
                blank="Any"
              />
              <Select
                id="decision"
                label="Decision"
                options={AUDIT_DECISIONS.map((d) => ({ value: d, label: d === 'deny' ? 'deny (refusals)' : d }))}
                value={q.decision ?? ''}
                blank="Any"
              />
              <Select id="action" label="Action" options={ACTIONS} value={q.action ?? ''} blank="Any" />
              <Field id="since" label="From (UTC day)" type="date" value={q.since ?? ''} />
              <Field id="until" label="To (UTC day, inclusive)" type="date" value={q.until ?? ''} />
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
              names={names}
              now={now}
              caption="Audit events, newest first"
              empty="No events match these filters."
            />
            <nav class="pager" aria-label="Pages">
              {cursor && <a href={`${base}/audit${queryString(q)}`}>← Newest</a>}
              {page.nextCursor && (
                <a href={`${base}/audit${queryString(q, { cursor: page.nextCursor })}`}>Older events →</a>
              )}
              <span class="muted small">
                {page.events.length} {page.events.length === 1 ? 'event' : 'events'} on this page
              </span>
            </nav>
          </section>
        </>
      ),
    })
  })

  for (const format of ['csv', 'jsonl'] as const) {
    app.get(`${base}/audit/export.${format}`, async (c) => {
      const ctx = c.var.admin
      const { filter } = await readFilter(c)
      // Who took a copy of the log, and of what, is itself worth a record.
      await recordQuietly(ctx.store.audit, runtime.logger, {
        actor: ctx.actor,
        ...withRequestId(requestIdOfContext(c)),
        action: 'console.audit.export',
        decision: 'info',
        data: { format, filter: { ...filter } },
      })
      const stream = exportStream(format, (cursor) =>
        operations.queryAudit(ctx, { ...filter, limit: 500, ...(cursor ? { cursor } : {}) }),
      )
      const name = `openxaa-audit-${dateInput(runtime.now())}.${format}`
      return c.body(stream, 200, {
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}"`,
      })
    })
  }
}
