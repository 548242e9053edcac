/** @jsxImportSource hono/jsx */
/** Building blocks of the AS console's pages: CSRF field, one-button POST forms, badges, times, fields. */
import type { Child } from 'hono/jsx'

/** The hidden CSRF field of a POST form. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />
}

/** A one-button POST form (a state change). */
export function PostButton(props: {
  action: string
  csrf: string
  label: string
  kind?: 'primary' | 'secondary' | 'danger'
  confirm?: string
  ariaLabel?: string
}) {
  const cls = `btn btn-small${props.kind === 'danger' ? ' btn-danger' : props.kind === 'secondary' ? ' btn-secondary' : ''}`
  return (
    <form class="inline" method="post" action={props.action} data-confirm={props.confirm}>
      <Csrf token={props.csrf} />
      <button class={cls} type="submit" aria-label={props.ariaLabel}>
        {props.label}
      </button>
    </form>
  )
}

/** A coloured word. */
export function Badge({
  kind,
  children,
}: {
  kind: 'ok' | 'off' | 'deny' | 'change' | 'warn' | 'info'
  children: Child
}) {
  return <span class={`badge badge-${kind}`}>{children}</span>
}

/** Enabled or disabled. */
export function StatusBadge({ enabled }: { enabled: boolean }) {
  return enabled ? <Badge kind="ok">Enabled</Badge> : <Badge kind="off">Disabled</Badge>
}

/** A UTC time, machine-readable; "never" for none. */
export function Time({ ms }: { ms: number | null | undefined }) {
  if (ms === null || ms === undefined) return <span class="muted">never</span>
  const iso = new Date(ms).toISOString()
  return (
    <time datetime={iso}>
      <span class="nowrap">{iso.slice(0, 10)}</span> <span class="nowrap">{`${iso.slice(11, 16)} UTC`}</span>
    </time>
  )
}

/** A labelled input with optional help. */
export function Field(props: {
  id: string
  label: string
  type?: string
  required?: boolean
  help?: string
  value?: string
  autocomplete?: string
}) {
  const help = props.help ? `${props.id}-help` : undefined
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        required={props.required}
        value={props.value}
        autocomplete={props.autocomplete}
        aria-describedby={help}
      />
      {props.help && (
        <span class="help" id={help}>
          {props.help}
        </span>
      )}
    </div>
  )
}

/** A labelled select. */
export function Select(props: {
  id: string
  label: string
  options: { value: string; label: string }[]
  value?: string
  blank?: string
  help?: string
}) {
  const help = props.help ? `${props.id}-help` : undefined
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.id} aria-describedby={help}>
        {props.blank !== undefined && <option value="">{props.blank}</option>}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.help && (
        <span class="help" id={help}>
          {props.help}
        </span>
      )}
    </div>
  )
}

/** Page heading with an optional lede and actions. */
export function PageHead({ title, lede, children }: { title: string; lede?: string; children?: Child }) {
  return (
    <>
      <div class="card-head">
        <h1>{title}</h1>
        {children && <div class="actions">{children}</div>}
      </div>
      {lede && <p class="lede">{lede}</p>}
    </>
  )
}
