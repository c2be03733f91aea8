import { randomBytes } from 'node:crypto';
import type { UserRecord } from '../store/auth-store.js';
import type { PasswordHasher } from './password-hasher.js';

/** Checks a password for a user who may not exist; resolves to false for an unknown user. */
export type PasswordVerifier = (user: UserRecord | undefined, password: string) => Promise<boolean>;

/**
 * Creates the password check. For an unknown user a dummy hash (same hasher, so the same algorithm and cost) is
 * verified anyway, so "no such user" and "wrong password" take about the same time and give the same answer
 * (docs/security.md 29, OWASP Authentication Cheat Sheet).
 *
 * The dummy is hashed here, once, before the server takes requests. Made lazily, the first unknown user after a
 * start paid a hash on top of the verification (a timing tell), and a failed hash was kept as a rejected promise:
 * from then on unknown users got a 500 and known ones "invalid", an oracle for which usernames exist.
 *
 * @example
 * const verifyPassword = await createPasswordVerifier(argon2idHasher);
 * await verifyPassword(await store.users.findByUsername(username), password);
 */
export async function createPasswordVerifier(hasher: PasswordHasher): Promise<PasswordVerifier> {
  const dummy = await hasher.hash(randomBytes(32).toString('base64url'));
  return async function verifyPassword(user, password) {
    if (!user) {
      await hasher.verify(dummy, password);
      return false;
    }
    return hasher.verify(user.passwordHash, password);
  };
}
