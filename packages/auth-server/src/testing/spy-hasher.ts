import { argon2idHasher, type PasswordHasher } from '../passwords/password-hasher.js';

/** The real argon2id hasher, counting calls, so a test can prove a hash ran (or did not) without timing. */
export function spyHasher(): PasswordHasher & { verifyCalls: number; hashCalls: number } {
  const spy = {
    verifyCalls: 0,
    hashCalls: 0,
    async hash(password: string) {
      spy.hashCalls++;
      return argon2idHasher.hash(password);
    },
    async verify(passwordHash: string, password: string) {
      spy.verifyCalls++;
      return argon2idHasher.verify(passwordHash, password);
    },
  };
  return spy;
}
