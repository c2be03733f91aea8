import { type Algorithm, hash, verify } from '@node-rs/argon2';

/** Longest password accepted (characters). Longer input is refused before any hashing (docs/security.md 33). */
export const MAX_PASSWORD_LENGTH = 1024;

/** Hashes and verifies passwords; injectable so tests can prove a hash ran. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Never throws for a wrong password or a malformed hash: resolves to false. */
  verify(passwordHash: string, password: string): Promise<boolean>;
}

// OWASP Password Storage Cheat Sheet: argon2id, m=19456 KiB, t=2, p=1. `Algorithm` is a const enum that
// isolatedModules cannot inline; 2 is Argon2id in @node-rs/argon2.
const ARGON2ID = 2 as Algorithm;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * argon2id at OWASP parameters, computed on libuv's thread pool (async), never on the event loop. The whole
 * password is hashed: no truncation (unlike bcrypt's 72 bytes), so long passphrases keep all their strength.
 */
export const argon2idHasher: PasswordHasher = {
  hash: (password) => hash(password, OPTIONS),
  async verify(passwordHash, password) {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  },
};
