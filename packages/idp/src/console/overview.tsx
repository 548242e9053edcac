/** @jsxImportSource hono/jsx */
/**
 * Overview: counts, what needs attention (a disabled connection still being requested, a signing key due for
 * rotation), the connection graph with its table, and the newest refusals with their reasons.
 */

import { Empty, PageHead, Time } from '@openxaa/console-ui'
import type { Hono } from 'hono'
import { operations } from '../admin/administration.js'
import type { Attention } from '../admin/operations/insight.js'
import { AuditTable, loadNames } from './audit-table.js'

import type { ConsoleDeps, ConsoleEnv } from './env.js'
import { ConnectionGraph, ConnectionTable } from './graph.js'
import { render } from './respond.js'

function AttentionItem({ item, base, now }: { item: Attention; base: string; now: number }) {
  if (item.kind === 'key_due_for_rotation') {
    return (
      <li class="alert">
        <span>
          <strong>Signing key due for rotation.</strong> Key <code>{item.key.kid}</code> has signed for {item.ageDays}{' '}
          days (rotate at least every {item.maxAgeDays}).
        </span>
        <a class="btn btn-small" href={`${base}/keys`}>
          Review keys
        </a>
      </li>
    )
  }
  const { use } = item
  return (
    <li class="alert">
      <span>
        <strong>Disabled connection still requested.</strong> {use.client.name} → {use.application.name} (
        <code>{use.connection.resource}</code>) was refused {item.refusals} {item.refusals === 1 ? 'time' : 'times'}{' '}
        this week, last <Time ms={item.lastAt} now={now} />.
      </span>
      <a class="btn btn-small" href={`${base}/connections/${use.connection.id}`}>
        Review connection
      </a>
    </li>
  )
}

/** GET /console. */
export function overviewRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { base, runtime } = deps
  app.get(base, async (c) => {
    const ctx = c.var.admin
    const now = runtime.now()
    const uses = await operations.connectionUses(ctx)
    const [attention, refusals, names, users, issued24h] = await Promise.all([
      operations.needsAttention(ctx, uses),
      operations.recentRefusals(ctx, 8),
      loadNames(ctx.store),
      ctx.store.idp.users.list({ limit: 10_000 }),
      ctx.store.audit.usage({ action: 'id_jag.issue', decision: 'allow', since: now - 86_400_000 }),
    ])
    const stats = [
      { n: uses.filter((u) => u.connection.enabled).length, label: `of ${uses.length} connections enabled` },
      { n: names.clients.size, label: 'AI clients' },
      { n: names.applications.size, label: 'resource applications' },
      { n: users.filter((u) => u.status === 'active').length, label: 'active users' },
      { n: issued24h.reduce((sum, u) => sum + u.events, 0), label: 'ID-JAGs issued in 24 h' },
    ]
    return render(c, deps, {
      title: 'Overview',
      active: 'overview',
      body: (
        <>
          <PageHead
            title="Overview"
            lede="Which AI clients reach which resource applications, on whose behalf, and what was refused."
          >
            <a class="btn" href={`${base}/connections/new`}>
              New managed connection
            </a>
          </PageHead>
          <ul class="stats" aria-label="At a glance">
            {stats.map((s) => (
              <li>
                <strong>{s.n}</strong>
                <span>{s.label}</span>
              </li>
            ))}
          </ul>
          <section class="card" aria-labelledby="attention-title">
            <h2 id="attention-title">Needs attention</h2>
            {attention.length === 0 ? (
              <Empty>Nothing needs attention.</Empty>
            ) : (
              <ul class="plain">
                {attention.map((item) => (
                  <AttentionItem item={item} base={base} now={now} />
                ))}
              </ul>
            )}
          </section>
          <section class="card" aria-labelledby="graph-heading">
            <h2 id="graph-heading">Connections</h2>
            {uses.length === 0 ? (
              <Empty>
                No managed connections yet: no AI client gets an ID-JAG.{' '}
                <a href={`${base}/connections/new`}>Create one</a>.
              </Empty>
            ) : (
              <>
                <ConnectionGraph uses={uses} now={now} base={base} />
                <ConnectionTable uses={uses} now={now} base={base} />
              </>
            )}
          </section>
          <section class="card" aria-labelledby="refusals-title">
            <div class="card-head">
              <h2 id="refusals-title">Newest refusals</h2>
              <a href={`${base}/audit?decision=deny&action=id_jag.issue`}>All refusals</a>
            </div>
            <AuditTable
              events={refusals}
              names={names}
              now={now}
              caption="Newest refused token exchanges"
              compact
              empty="No refused token exchanges."
            />
          </section>
        </>
      ),
    })
  })
}
