/** @jsxImportSource hono/jsx */
/**
 * The AS console's page frame: title, the hashed style sheet and script (the CSP forbids inline ones), a skip link,
 * the top bar with sign-out, the side navigation with the current page marked, and flash messages in a live region.
 */
import { type Flash, FlashRegion } from '@openxaa/console-ui'
import type { Child } from 'hono/jsx'

const NAV = [
  { key: 'organizations', label: 'Organizations and trusts', path: '' },
  { key: 'clients', label: 'Clients', path: '/clients' },
  { key: 'resources', label: 'Resources and scopes', path: '/resources' },
  { key: 'audit', label: 'Redemptions and refusals', path: '/audit' },
]

/** What the layout needs. */
export interface LayoutProps {
  title: string
  issuer: string
  base: string
  assets: { css: string; js: string }
  active?: string | undefined
  signedIn: boolean
  csrf: string
  flash?: Flash | undefined
  children?: Child
}

/** The complete page. */
export function Layout(props: LayoutProps) {
  const { base } = props
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · resource AS console`}</title>
        <link rel="stylesheet" href={props.assets.css} />
        <script src={props.assets.js} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to main content
        </a>
        <header class="topbar">
          <a class="brand" href={base}>
            OpenXAA <span>resource AS console · {props.issuer}</span>
          </a>
          {props.signedIn && (
            <form class="inline" method="post" action={`${base}/sign-out`}>
              <input type="hidden" name="csrf" value={props.csrf} />
              <button class="btn btn-secondary" type="submit">
                Sign out
              </button>
            </form>
          )}
        </header>
        {props.signedIn ? (
          <div class="shell">
            <nav class="sidenav" aria-label="Console">
              <ul>
                {NAV.map((item) => (
                  <li>
                    <a href={`${base}${item.path}`} aria-current={props.active === item.key ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
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
