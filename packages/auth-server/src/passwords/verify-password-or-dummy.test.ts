import { describe, expect, it } from 'vitest';
import { spyHasher } from '../testing/spy-hasher.js';
import type { PasswordHasher } from './password-hasher.js';
import { createPasswordVerifier } from './verify-password-or-dummy.js';

// docs/security.md 29: an unknown user costs one verification against a dummy of the same cost, from the first
// attempt on, and never a different answer.
describe('createPasswordVerifier', () => {
  it('hashes the dummy once, up front, and verifies unknown users against it', async () => {
    const hasher = spyHasher();
    const verifyPassword = await createPasswordVerifier(hasher);
    expect(hasher.hashCalls).toBe(1);
    expect(await verifyPassword(undefined, 'anything')).toBe(false);
    expect(await verifyPassword(undefined, 'anything else')).toBe(false);
    expect(hasher.hashCalls).toBe(1);
    expect(hasher.verifyCalls).toBe(2);
    expect(hasher.verifiedHashes[0]).toBe(hasher.verifiedHashes[1]);
  });

  it('fails where it is created when the dummy cannot be hashed, instead of failing only unknown users later', async () => {
    const broken: PasswordHasher = {
      hash: async () => {
        throw new Error('out of memory');
      },
      verify: async () => false,
    };
    // A promise that rejects now (the server does not start), not a verifier that rejects for unknown users only.
    const creating = createPasswordVerifier(broken);
    expect(creating).toBeInstanceOf(Promise);
    await expect(creating).rejects.toThrow('out of memory');
  });
});
