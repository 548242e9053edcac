/**
 * Every migration, in apply order. A later issue adds `000N-what.ts` and appends it here; released entries never
 * change (forward only).
 */
import { migration0001 } from './0001-initial.js'
import { migration0002 } from './0002-idp.js'
import { migration0003 } from './0003-auth-server.js'
import { migration0004 } from './0004-idp-user-connection-block.js'
import { migration0005 } from './0005-rate-limit.js'
import { migration0006 } from './0006-signing-key-activation.js'
import type { Migration } from './migration.js'

/** The migrations this release knows, oldest first. */
export const migrations: readonly Migration[] = Object.freeze([
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
])
