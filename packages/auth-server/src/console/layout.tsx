/** @jsxImportSource hono/jsx */
/** The AS console's page: the shared frame (console-ui) with sign-out in the top bar and the AS's navigation. */
import { ConsoleFrame, type Flash, type NavItem, SignOut } from '@openxaa/console-ui'
import type { Child } from 'hono/jsx'

const NAV: readonly NavItem[] = [
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
    <ConsoleFrame
      title={`${props.title} · resource AS console`}
      assets={props.assets}
      home={base}
      brand={
        <>
          OpenXAA <span>resource AS console · {props.issuer}</span>
        </>
      }
      who={props.signedIn && <SignOut action={`${base}/sign-out`} csrf={props.csrf} />}
      nav={props.signedIn ? { base, items: NAV, active: props.active } : undefined}
      flash={props.flash}
    >
      {props.children}
    </ConsoleFrame>
  )
}
