// The public API of @openxaa/idp: named re-exports only (no `export *`); src/internal/ is never exported.

export {
  type AdminContext,
  AdminError,
  type AdminErrorCode,
  type Attention,
  type AuditFilter,
  type ConnectionUse,
  type NewClient,
  type NewConnection,
  type NewUser,
  type OwnConnection,
  operations,
  toAdminError,
  type UserChanges,
} from './admin/administration.js'
export type { IdpEnv } from './app.js'
export { consoleLogger, type IdpDeps, type IdpLogger } from './context.js'
export { createIdp, type Idp } from './create.js'
export { hashPassword, verifyPassword } from './directory/password.js'
export { generateApiKey, generateClientSecret, hashSecret, verifySecret } from './directory/secrets.js'
export { type IdpOptions, parseOptions, type ResolvedIdpOptions } from './options.js'
