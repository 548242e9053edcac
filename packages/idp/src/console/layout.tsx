/** @jsxImportSource hono/jsx */
/**
 * The page frame: language, title, the hashed style sheet and script (no inline style or script: the CSP forbids
 * them), a skip link, the top bar with the signed-in user and sign-out, the side navigation with the current page
 * marked, and the flash message in a live region.
 */
import { type Flash, FlashRegion } from '@openxaa/console-ui'
import type { Child } from 'hono/jsx'

/** A navigation entry: its key (matched by `active`), label and path. */
interface NavItem {
  key: string
  label: string
  path: string
}

const ADMIN_NAV: NavItem[] = [
  { key: 'overview', label: 'Overview', path: '' },
  { key: 'connections', label: 'Managed connections', path: '/connections' },
  { key: 'clients', label: 'AI clients', path: '/clients' },
  { key: 'applications', label: 'Resource applications', path: '/applications' },
  { key: 'users', label: 'Users', path: '/users' },
  { key: 'groups', label: 'Groups', path: '/groups' },
  { key: 'blocks', label: 'Blocks', path: '/blocks' },
  { key: 'audit', label: 'Audit log', path: '/audit' },
  { key: 'keys', label: 'Signing keys', path: '/keys' },
]

/** What the layout needs besides the page body. */
export interface LayoutProps {
  title: string
  siteName: string
  base: string
  assets: { css: string; js: string }
  /** The nav key of this page. */
  active?: string
  /** Signed in as: absent on the sign-in page. */
  user?: { name: string; admin: boolean }
  csrf?: string
  flash?: Flash | undefined
  children?: Child
}

/** The complete page. */
export function Layout(props: LayoutProps) {
  const { base, user, active } = props
  const nav = user?.admin ? ADMIN_NAV : []
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · ${props.siteName} console`}</title>
        <link rel="stylesheet" href={props.assets.css} />
        <script src={props.assets.js} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to main content
        </a>
        <header class="topbar">
          <a class="brand" href={user?.admin ? base : `${base}/me`}>
            {props.siteName} <span>admin console</span>
          </a>
          {user && (
            <div class="who">
              <span>
                Signed in as <strong>{user.name}</strong>
              </span>
              <form class="inline" method="post" action={`${base}/sign-out`}>
                <input type="hidden" name="csrf" value={props.csrf} />
                <button class="btn btn-secondary" type="submit">
                  Sign out
                </button>
              </form>
            </div>
          )}
        </header>
        {user ? (
          <div class="shell">
            <nav class="sidenav" aria-label="Console">
              <ul>
                {nav.map((item) => (
                  <li>
                    <a href={`${base}${item.path}`} aria-current={active === item.key ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
                <li class="sep" aria-hidden="true">
                  For you
                </li>
                <li>
                  <a href={`${base}/me`} aria-current={active === 'me' ? 'page' : undefined}>
                    My AI connections
                  </a>
                </li>
              </ul>
            </nav>
            <main id="main" tabindex={-1}>
              <FlashRegion flash={props.flash} />
              {props.children}
            </main>
          </div>
        ) : (
          <main id="main" tabindex={-1}>
            <FlashRegion flash={props.flash} />
            {props.children}
          </main>
        )}
      </body>
    </html>
  )
}
