// The public API of @openxaa/console-ui: what the IdP console and the resource AS console share.
export { type ConsoleAssets, consoleAssets } from './assets.js'
export {
  Badge,
  Checkboxes,
  ConsoleFrame,
  Csrf,
  DecisionBadge,
  Empty,
  Field,
  FlashRegion,
  type NavItem,
  PageHead,
  PostButton,
  Select,
  SignOut,
  StatusBadge,
  Time,
} from './components.js'
export {
  type ConsoleCookies,
  type CookieAttributes,
  type CookieSettings,
  consoleCookies,
  type Flash,
} from './cookies.js'
export { formatTime, relativeTime } from './format.js'
export {
  CONSOLE_CSP,
  field,
  fields,
  htmlPage,
  type Outcome,
  readPostedForm,
  runAction,
  securityHeaders,
} from './http.js'
export { CONSOLE_JS } from './script.js'
export { type ConsoleSession, type ConsoleSessions, consoleSessions, sessionAndCsrf } from './session.js'
export { type ConsoleBrand, consoleStyle } from './style.js'
