import type { Account, FindAccount } from 'oidc-provider';
import type { UserStore } from '../store/auth-store.js';

/**
 * oidc-provider's `findAccount`: the account behind `sub`, with the standard claims it may release
 * (OIDC Core 5.1). Which claims reach a client is decided by the granted scopes (the `claims` setting). A
 * disabled user is no account: a token or session of it that survived would be refused (disabling also deletes
 * them).
 */
export function createFindAccount(users: UserStore): FindAccount {
  return async (_ctx, sub): Promise<Account | undefined> => {
    const user = await users.findById(sub);
    if (!user || user.disabled) return undefined;
    return {
      accountId: user.id,
      async claims() {
        return {
          sub: user.id,
          email: user.email,
          email_verified: user.emailVerified,
          name: user.name ?? undefined,
          preferred_username: user.username,
          roles: [...user.roles],
        };
      },
    };
  };
}
