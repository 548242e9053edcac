// The public API of the demo: start it in-process (tests, other examples) and what it is made of.
export {
  banner,
  openxaaCommand,
  READY_LINE,
  WALKTHROUGH_SIGN_INS,
  walkthrough,
} from './banner.js'
export {
  ACME,
  CLI_CLIENT,
  CLIENTS,
  CONNECTIONS,
  type DemoClient,
  type DemoConnection,
  type DemoUser,
  type DemoVendor,
  GROUPS,
  type GroupName,
  USERS,
  userNamed,
  VENDORS,
  type VendorKey,
} from './cast.js'
export { type Demo, type DemoDeps, type StartDemoOptions, startDemo } from './demo.js'
export { type BoundPort, bindPort, DemoStartError } from './listen.js'
export { type DemoSecrets, SEED_ACTOR } from './seed.js'
export {
  DEFAULT_PORT_BASE,
  type DemoPorts,
  type DemoSettings,
  type DemoUrls,
  parseSettings,
  portsFrom,
  USAGE,
  UsageError,
  urlsFor,
} from './settings.js'
export { cliHome, type DemoState } from './state.js'
export { type DemoStores, resetDemoData, schemaOf } from './stores.js'
