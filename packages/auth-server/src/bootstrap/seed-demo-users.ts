import { randomToken } from '@gatehouse/common';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { AuthStore } from '../store/auth-store.js';
import { generateTotpSecret, totpUri } from '../totp/totp.js';
import { addUser } from '../users/user-admin.js';

/** A demo account as printed once at first start. */
export interface DemoUser {
  readonly username: string;
  readonly password: string;
  readonly email: string;
  readonly totpSecret?: string;
  readonly otpauthUri?: string;
}

/**
 * On an empty user table only, creates the demo users: `alice` (password + TOTP) and `bob` (password only),
 * with strong random passwords (128 bits). Returns their credentials to print once, or null when users exist.
 */
export async function seedDemoUsers(
  store: AuthStore,
  options: { issuerName?: string; hasher?: PasswordHasher } = {},
): Promise<null | { users: DemoUser[] }> {
  if ((await store.users.count()) > 0) return null;
  const aliceSecret = generateTotpSecret();
  const alice: DemoUser = {
    username: 'alice',
    password: randomToken(16),
    email: 'alice@example.com',
    totpSecret: aliceSecret,
    otpauthUri: totpUri(aliceSecret, 'alice', options.issuerName ?? 'Gatehouse'),
  };
  const bob: DemoUser = { username: 'bob', password: randomToken(16), email: 'bob@example.com' };
  await addUser(
    store,
    { ...alice, name: 'Alice Example', emailVerified: true, totpSecret: aliceSecret },
    options.hasher,
  );
  await addUser(store, { ...bob, name: 'Bob Example', emailVerified: true }, options.hasher);
  return { users: [alice, bob] };
}
