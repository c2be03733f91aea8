import { randomBytes } from 'node:crypto';
import type { UserRecord } from '../store/auth-store.js';
import type { PasswordHasher } from './password-hasher.js';

/**
 * Checks a password for a user who may not exist. For an unknown user a dummy hash (same algorithm and cost)
 * is verified anyway, so "no such user" and "wrong password" take about the same time and give the same answer
 * (SECURITY.md 29, OWASP Authentication Cheat Sheet).
 */
export function createPasswordVerifier(hasher: PasswordHasher) {
  let dummy: Promise<string> | undefined;
  return async function verifyPassword(user: UserRecord | undefined, password: string): Promise<boolean> {
    dummy ??= hasher.hash(randomBytes(32).toString('base64url'));
    if (!user) {
      await hasher.verify(await dummy, password);
      return false;
    }
    return hasher.verify(user.passwordHash, password);
  };
}

/** The function {@link createPasswordVerifier} returns. */
export type PasswordVerifier = ReturnType<typeof createPasswordVerifier>;
