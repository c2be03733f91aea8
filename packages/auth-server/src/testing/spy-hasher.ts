import { argon2idHasher, type PasswordHasher } from '../passwords/password-hasher.js';

/** {@link spyHasher}'s hasher: the real one, plus what it was asked to do. */
export interface SpyHasher extends PasswordHasher {
  hashCalls: number;
  verifyCalls: number;
  /** The stored (or dummy) hash each `verify` checked against, in order. */
  readonly verifiedHashes: string[];
}

/** The real argon2id hasher, counting calls, so a test can prove a hash ran (or did not) without timing. */
export function spyHasher(): SpyHasher {
  const spy: SpyHasher = {
    verifyCalls: 0,
    hashCalls: 0,
    verifiedHashes: [],
    async hash(password: string) {
      spy.hashCalls++;
      return argon2idHasher.hash(password);
    },
    async verify(passwordHash: string, password: string) {
      spy.verifyCalls++;
      spy.verifiedHashes.push(passwordHash);
      return argon2idHasher.verify(passwordHash, password);
    },
  };
  return spy;
}
