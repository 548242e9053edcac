import { consoleStyle } from '@openxaa/console-ui'

/** The AS console's style sheet: the shared one in green. */
export const CONSOLE_CSS = consoleStyle({
  brand: '#0f6b5c',
  brandDark: '#0a5246',
  nav: '#14231f',
  navHover: '#eaf4f1',
  navCurrent: '#dff0eb',
  changeBadge: '#e0f0ec',
})
