/**
 * The admin commands of `openxaa-idp`: the same operations as the admin API, run on the store directly and audited
 * with the actor `cli`.
 */
import type { Store } from '@openxaa/store'
import type { AdminContext } from '../../admin/context.js'
import { APPLICATIONS_COMMANDS } from './applications.js'
import type { Command } from './command.js'
import { DIRECTORY_COMMANDS } from './directory.js'
import { OPERATIONS_COMMANDS } from './operations.js'
import { POLICY_COMMANDS } from './policy.js'

export type { Command } from './command.js'

/** Every admin command, by its words. */
export const COMMANDS: Record<string, Command> = {
  ...DIRECTORY_COMMANDS,
  ...APPLICATIONS_COMMANDS,
  ...POLICY_COMMANDS,
  ...OPERATIONS_COMMANDS,
}

/** The admin context of the CLI: actor `cli`, the default key retirement and password cost. */
export function cliContext(store: Store, env: Record<string, string | undefined>): AdminContext {
  return {
    store,
    actor: { type: 'cli', id: env.USER ?? 'cli' },
    now: Date.now,
    passwordHashCost: Number(env.OPENXAA_PASSWORD_HASH_COST ?? 17),
    keyRetireAfter: 3660,
  }
}
