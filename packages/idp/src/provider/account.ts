/**
 * oidc-provider's `findAccount` over the IdP directory. A disabled or deleted user has no account: oidc-provider then
 * ends their sessions and refuses their refresh tokens.
 */
import type { IdpUser, Store } from '@openxaa/store'
import type { Account, KoaContextWithOIDC } from 'oidc-provider'

/** The claims of a user: `sub` is the stable user id; `groups` are group names. */
export async function userClaims(store: Store, user: IdpUser): Promise<Record<string, unknown>> {
  const groups = await store.idp.groups.groupsOf(user.id)
  return {
    sub: user.id,
    preferred_username: user.username,
    ...(user.name === null ? {} : { name: user.name }),
    ...(user.email === null ? {} : { email: user.email, email_verified: user.emailVerified }),
    groups: groups.map((g) => g.name),
  }
}

/** Builds `findAccount`. */
export function findAccount(store: Store) {
  return async (_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const user = await store.idp.users.get(sub)
    if (user === undefined || user.status !== 'active') return undefined
    return {
      accountId: user.id,
      // Read at the time of each claim request so that ID tokens and userinfo reflect the directory now.
      async claims() {
        const fresh = (await store.idp.users.get(sub)) ?? user
        return (await userClaims(store, fresh)) as { sub: string }
      },
    }
  }
}
