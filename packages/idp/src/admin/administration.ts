/**
 * Administration: every change to the directory and the policy, each audited with its actor in the same transaction
 * as the change. The admin API and the `openxaa-idp` command line both call these, so that a change made either way
 * is the same change.
 */
import * as applications from './operations/applications.js'
import * as clients from './operations/clients.js'
import * as directory from './operations/directory.js'
import * as insight from './operations/insight.js'
import * as keys from './operations/keys.js'
import * as policy from './operations/policy.js'
import * as selfService from './operations/self-service.js'

export type { AdminContext } from './context.js'
export { AdminError, type AdminErrorCode, toAdminError } from './errors.js'
export type { NewClient } from './operations/clients.js'
export type { NewUser, UserChanges } from './operations/directory.js'
export type { Attention, ConnectionUse } from './operations/insight.js'
export type { AuditFilter, RotateKeysOptions } from './operations/keys.js'
export type { NewConnection } from './operations/policy.js'
export type { OwnConnection } from './operations/self-service.js'

/** Every administrative operation, by area. */
export const operations = { ...directory, ...clients, ...applications, ...policy, ...keys, ...insight, ...selfService }
