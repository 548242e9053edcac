/** @jsxImportSource hono/jsx */
/**
 * The IdP console's page: the shared frame (console-ui) with the signed-in user and sign-out in the top bar, the
 * administrators' navigation, and "My AI connections" for everyone.
 */
import { ConsoleFrame, type Flash, type NavItem, SignOut } from '@openxaa/console-ui'
import type { Child } from 'hono/jsx'

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
  return (
    <ConsoleFrame
      title={`${props.title} · ${props.siteName} console`}
      assets={props.assets}
      home={user?.admin ? base : `${base}/me`}
      brand={
        <>
          {props.siteName} <span>admin console</span>
        </>
      }
      who={
        user && (
          <div class="who">
            <span>
              Signed in as <strong>{user.name}</strong>
            </span>
            <SignOut action={`${base}/sign-out`} csrf={props.csrf} />
          </div>
        )
      }
      nav={
        user && {
          base,
          items: user.admin ? ADMIN_NAV : [],
          active,
          after: (
            <>
              <li class="sep" aria-hidden="true">
                For you
              </li>
              <li>
                <a href={`${base}/me`} aria-current={active === 'me' ? 'page' : undefined}>
                  My AI connections
                </a>
              </li>
            </>
          ),
        }
      }
      flash={props.flash}
    >
      {props.children}
    </ConsoleFrame>
  )
}
