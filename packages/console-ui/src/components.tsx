/** @jsxImportSource hono/jsx */
/**
 * The building blocks of both consoles' pages: CSRF field, one-button POST forms, badges, times, fields, empty states,
 * page heads and the flash region. Hono JSX escapes every text and attribute value; nothing here renders raw HTML.
 */
import type { Child } from 'hono/jsx'
import type { Flash } from './cookies.js'
import { formatTime, relativeTime } from './format.js'

/** The hidden CSRF field of a POST form. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />
}

/** A one-button POST form (a state change), optionally asking first (script) and carrying hidden fields. */
export function PostButton(props: {
  action: string
  csrf: string
  label: string
  kind?: 'primary' | 'secondary' | 'danger'
  small?: boolean
  confirm?: string
  fields?: Record<string, string>
  /** Accessible name when the visible label alone is ambiguous in a table row. */
  ariaLabel?: string
}) {
  const cls = `btn${props.kind === 'danger' ? ' btn-danger' : props.kind === 'secondary' ? ' btn-secondary' : ''}${props.small ? ' btn-small' : ''}`
  return (
    <form class="inline" method="post" action={props.action} data-confirm={props.confirm}>
      <Csrf token={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button class={cls} type="submit" aria-label={props.ariaLabel}>
        {props.label}
      </button>
    </form>
  )
}

/** A coloured word: status, decision. */
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
export function StatusBadge({ enabled, off = 'Disabled' }: { enabled: boolean; off?: string }) {
  return enabled ? <Badge kind="ok">Enabled</Badge> : <Badge kind="off">{off}</Badge>
}

/** The badge of an audit decision. */
export function DecisionBadge({ decision }: { decision: string }) {
  const kind = decision === 'allow' ? 'ok' : decision === 'deny' ? 'deny' : decision === 'change' ? 'change' : 'info'
  return <Badge kind={kind}>{decision}</Badge>
}

/** A time, machine-readable: relative to `now` (the absolute one for screen readers), or absolute without `now`. */
export function Time(props: { ms: number | null | undefined; now?: number; relative?: boolean }) {
  const { ms, now } = props
  if (ms === null || ms === undefined) return <span class="muted">never</span>
  const relative = now !== undefined && props.relative !== false ? relativeTime(ms, now) : undefined
  return (
    <time datetime={new Date(ms).toISOString()} title={formatTime(ms)}>
      {relative !== undefined ? (
        relative
      ) : (
        <>
          <span class="nowrap">{formatTime(ms).slice(0, 10)}</span>{' '}
          <span class="nowrap">{formatTime(ms).slice(11)}</span>
        </>
      )}
      {relative !== undefined && <span class="visually-hidden"> ({formatTime(ms)})</span>}
    </time>
  )
}

/** A labelled input with optional help text (described-by). */
export function Field(props: {
  id: string
  label: string
  name?: string
  type?: string
  value?: string
  required?: boolean
  help?: string
  placeholder?: string
  autocomplete?: string
  min?: string
}) {
  const help = props.help ? `${props.id}-help` : undefined
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name ?? props.id}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete}
        min={props.min}
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

/** A fieldset of checkboxes. */
export function Checkboxes(props: {
  legend: string
  name: string
  options: { value: string; label: string; hint?: string }[]
  checked: readonly string[]
  help?: string
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.help && <p class="help">{props.help}</p>}
      {props.options.length === 0 && <p class="empty">None available.</p>}
      {props.options.map((o, i) => (
        // An explicit for/id pair, not only the wrapping label: the label stays tied to its box however the markup
        // around it changes, and every console control is named the same way.
        <label class="check" for={`${props.name}-${i}`}>
          <input
            id={`${props.name}-${i}`}
            type="checkbox"
            name={props.name}
            value={o.value}
            checked={props.checked.includes(o.value)}
          />
          <span>
            {o.label}
            {o.hint && <span class="help">{o.hint}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  )
}

/** A select with a label. */
export function Select(props: {
  id: string
  label: string
  name?: string
  options: { value: string; label: string }[]
  value?: string
  required?: boolean
  help?: string
  blank?: string
}) {
  const help = props.help ? `${props.id}-help` : undefined
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name ?? props.id} required={props.required} aria-describedby={help}>
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

/** A message for an empty table. */
export function Empty({ children }: { children: Child }) {
  return <p class="empty">{children}</p>
}

/** Page heading with an optional lede and action area. */
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

/** The flash message in a live region, which exists on every page so that screen readers announce a message. */
export function FlashRegion({ flash }: { flash: Flash | undefined }) {
  return (
    <div id="flash" role="status" aria-live="polite">
      {flash && (
        <div class={`flash flash-${flash.kind}`}>
          <p>{flash.text}</p>
          {flash.details && flash.details.length > 0 && (
            <ul>
              {flash.details.map((d) => (
                <li>{d}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}

/** The top bar's sign-out button (a POST with the CSRF token: signing someone out is a state change too). */
export function SignOut({ action, csrf }: { action: string; csrf: string | undefined }) {
  return (
    <form class="inline" method="post" action={action}>
      <input type="hidden" name="csrf" value={csrf} />
      <button class="btn btn-secondary" type="submit">
        Sign out
      </button>
    </form>
  )
}

/** A side navigation entry: its key (matched by `active`), label and path below the console's base. */
export interface NavItem {
  key: string
  label: string
  path: string
}

/**
 * The page frame of a console: language, title, the hashed style sheet and script (no inline style or script: the
 * CSP forbids them), a skip link, the top bar (brand and, when signed in, `who`), the side navigation with the
 * current page marked (signed in only), and the flash message in a live region.
 */
export function ConsoleFrame(props: {
  /** The document title. */
  title: string
  assets: { css: string; js: string }
  /** Where the brand links to. */
  home: string
  brand: Child
  /** Signed in: the top bar's right side. */
  who?: Child
  /** Signed in: the side navigation, with `base` before each path; `after` ends its list. */
  nav?: { base: string; items: readonly NavItem[]; active?: string | undefined; after?: Child } | undefined
  flash?: Flash | undefined
  children?: Child
}) {
  const { nav } = props
  const main = (
    <main id="main" tabindex={-1}>
      <FlashRegion flash={props.flash} />
      {props.children}
    </main>
  )
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={props.assets.css} />
        <script src={props.assets.js} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to main content
        </a>
        <header class="topbar">
          <a class="brand" href={props.home}>
            {props.brand}
          </a>
          {props.who}
        </header>
        {nav ? (
          <div class="shell">
            <nav class="sidenav" aria-label="Console">
              <ul>
                {nav.items.map((item) => (
                  <li>
                    <a href={`${nav.base}${item.path}`} aria-current={nav.active === item.key ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
                {nav.after}
              </ul>
            </nav>
            {main}
          </div>
        ) : (
          main
        )}
      </body>
    </html>
  )
}
