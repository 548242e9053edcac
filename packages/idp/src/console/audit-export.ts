/**
 * Audit export as JSON lines or CSV, every matching event (paged through the store, capped), streamed. CSV follows
 * RFC 4180 (quotes doubled, fields with separators quoted) and is safe to open in a spreadsheet: a cell that begins
 * with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` so that it is never run as a formula.
 */
import type { AuditEvent } from '@openxaa/store'

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  'id',
  'at',
  'decision',
  'action',
  'actor_type',
  'actor_id',
  'user_id',
  'subject',
  'client_id',
  'audience',
  'resource',
  'reason',
  'rule',
  'detail',
  'data',
] as const

/** Most events one export holds. */
export const EXPORT_CAP = 100_000

/** One CSV cell: formula-safe, quoted when needed. */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : typeof value === 'string' ? value : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One event as a CSV line (CRLF-terminated). */
export function csvLine(e: AuditEvent): string {
  const cells = [
    e.id,
    new Date(e.at).toISOString(),
    e.decision,
    e.action,
    e.actor.type,
    e.actor.id,
    e.userId,
    e.subject,
    e.clientId,
    e.audience,
    e.resource,
    e.reason,
    e.rule,
    e.detail,
    e.data === undefined ? '' : JSON.stringify(e.data),
  ]
  return `${cells.map(csvCell).join(',')}\r\n`
}

/** One event as a JSON line, `at` also as ISO 8601. */
export function jsonLine(e: AuditEvent): string {
  return `${JSON.stringify({ ...e, time: new Date(e.at).toISOString() })}\n`
}

/** Streams every page `next(cursor)` yields, formatted, up to {@link EXPORT_CAP} events. */
export function exportStream(
  format: 'csv' | 'jsonl',
  next: (cursor: string | undefined) => Promise<{ events: AuditEvent[]; nextCursor?: string }>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let cursor: string | undefined
  let count = 0
  let started = false
  let finished = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true
        if (format === 'csv') controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\r\n`))
      }
      if (finished) return controller.close()
      const page = await next(cursor)
      const events = page.events.slice(0, EXPORT_CAP - count)
      count += events.length
      const text = events.map(format === 'csv' ? csvLine : jsonLine).join('')
      if (text !== '') controller.enqueue(encoder.encode(text))
      cursor = page.nextCursor
      if (cursor === undefined || count >= EXPORT_CAP) finished = true
    },
  })
}
