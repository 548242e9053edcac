/** @jsxImportSource hono/jsx */
/**
 * Audit events of the resource AS as a table: every redemption and refusal with its reason code, rule and detail.
 * Issuers, resources and details are identifiers of any length: they may break anywhere (`break`), so that the
 * reason code, the column that matters, stays in view on a laptop screen instead of behind a scroller.
 */

import { Badge, Time } from '@openxaa/console-ui'
import type { AuditEvent } from '@openxaa/store'

/** The table, or a note when there is nothing. */
export function AuditTable({ events, caption, empty }: { events: AuditEvent[]; caption: string; empty: string }) {
  if (events.length === 0) return <p class="empty">{empty}</p>
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Decision</th>
            <th scope="col">Action</th>
            <th scope="col">Organization / client</th>
            <th scope="col">Issuer / subject</th>
            <th scope="col">Resource</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td class="small">
                <Time ms={e.at} />
              </td>
              <td>
                <Badge
                  kind={
                    e.decision === 'allow'
                      ? 'ok'
                      : e.decision === 'deny'
                        ? 'deny'
                        : e.decision === 'change'
                          ? 'change'
                          : 'info'
                  }
                >
                  {e.decision}
                </Badge>
              </td>
              <td>
                <code>{e.action}</code>
              </td>
              <td class="small">
                {e.organization ?? '—'}
                <span class="help">{e.clientId ?? (e.actor.type === 'admin' ? `admin key ${e.actor.id}` : '')}</span>
              </td>
              <td class="small break">
                {e.issuer ?? '—'}
                {e.subject && <span class="help">sub {e.subject}</span>}
              </td>
              <td class="small break">{e.resource ? <code>{e.resource}</code> : '—'}</td>
              <td>
                {e.reason ? (
                  <span>
                    <code>{e.reason}</code>
                    {e.rule && <span class="help">rule {e.rule}</span>}
                    {e.detail && <span class="help break">{e.detail}</span>}
                  </span>
                ) : (
                  <span class="muted">
                    {Array.isArray(e.data?.scopes) ? `scopes ${(e.data.scopes as string[]).join(' ')}` : '—'}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
