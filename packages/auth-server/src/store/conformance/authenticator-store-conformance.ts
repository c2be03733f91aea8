import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory, StoreUnderTest } from '../../testing/store-backends.js';
import type { AuthStore, NewPasskey } from '../auth-store.js';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const NOW = 1_800_000_000;

/**
 * The contract of {@link AuthStore.authenticators} and {@link AuthStore.challenges}, for every backend (as
 * oauth2-proxy's `RunSessionStoreTests`): `newStore` opens an empty store.
 *
 * @example
 * runAuthenticatorStoreTests('SQLite', sqliteStores);
 */
export function runAuthenticatorStoreTests(backend: string, newStore: StoreFactory): void {
  describe(`authenticator and challenge stores (${backend})`, () => {
    let subject: StoreUnderTest;
    let store: AuthStore;
    let userId: string;
    beforeEach(async () => {
      subject = await newStore();
      store = subject.store;
      userId = (await store.users.create({ username: 'ada', email: 'ada@example.test', passwordHash: HASH }))
        .id;
    });
    afterEach(async () => {
      await subject.close();
    });

    const passkey = (id: string, overrides: Partial<NewPasskey> = {}): NewPasskey => ({
      id,
      userId,
      publicKey: new Uint8Array([1, 2, 3, 4]),
      counter: 0,
      transports: ['internal', 'hybrid'],
      backupEligible: true,
      backedUp: false,
      aaguid: '00000000-0000-0000-0000-000000000000',
      name: 'Laptop',
      ...overrides,
    });

    it('summarises an account with nothing, then with a TOTP secret, passkeys and recovery codes', async () => {
      expect(await store.authenticators.summary(userId)).toEqual({
        totp: false,
        passkeys: 0,
        recoveryCodes: 0,
      });
      expect(await store.authenticators.setTotpSecret(userId, SECRET)).toBe(true);
      await store.authenticators.addPasskey(passkey('cred-1'), NOW);
      await store.authenticators.replaceRecoveryCodes(userId, ['h1', 'h2', 'h3'], NOW);
      expect(await store.authenticators.summary(userId)).toEqual({
        totp: true,
        passkeys: 1,
        recoveryCodes: 3,
      });
    });

    it('keeps the TOTP secret, enrolled with the user or later, and clears it', async () => {
      const other = await store.users.create({
        username: 'bea',
        email: 'bea@example.test',
        passwordHash: HASH,
        totpSecret: SECRET,
      });
      expect(await store.authenticators.totpSecret(other.id)).toBe(SECRET);
      expect(await store.authenticators.totpSecret(userId)).toBeNull();
      expect(await store.authenticators.setTotpSecret(other.id, null)).toBe(true);
      expect(await store.authenticators.totpSecret(other.id)).toBeNull();
      expect(await store.authenticators.setTotpSecret('no-such-user', SECRET)).toBe(false);
    });

    it('accepts each TOTP step once and only forward, and starts over with a new secret', async () => {
      await store.authenticators.setTotpSecret(userId, SECRET);
      expect(await store.authenticators.acceptTotpStep(userId, 100)).toBe(true);
      expect(await store.authenticators.acceptTotpStep(userId, 100)).toBe(false);
      expect(await store.authenticators.acceptTotpStep(userId, 99)).toBe(false);
      expect(await store.authenticators.acceptTotpStep(userId, 101)).toBe(true);
      await store.authenticators.setTotpSecret(userId, SECRET);
      expect(await store.authenticators.acceptTotpStep(userId, 50)).toBe(true);
    });

    it('stores every property of a passkey, lists, renames and removes only the owner’s', async () => {
      const added = await store.authenticators.addPasskey(
        passkey('cred-1', { counter: 7, backedUp: true, aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4' }),
        NOW,
      );
      expect(added).toEqual({
        ...passkey('cred-1'),
        counter: 7,
        backedUp: true,
        aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4',
        createdAt: NOW,
        lastUsedAt: null,
      });
      await store.authenticators.addPasskey(passkey('cred-2', { name: 'Phone' }), NOW + 1);
      await expect(store.authenticators.addPasskey(passkey('cred-1'), NOW)).rejects.toThrow(
        /registered already/,
      );
      expect((await store.authenticators.listPasskeys(userId)).map((each) => each.name)).toEqual([
        'Laptop',
        'Phone',
      ]);
      const other = await store.users.create({
        username: 'bea',
        email: 'bea@example.test',
        passwordHash: HASH,
      });
      expect(await store.authenticators.renamePasskey(other.id, 'cred-1', 'Stolen')).toBe(false);
      expect(await store.authenticators.removePasskey(other.id, 'cred-1')).toBe(false);
      expect(await store.authenticators.renamePasskey(userId, 'cred-1', 'Work laptop')).toBe(true);
      expect((await store.authenticators.findPasskey('cred-1'))?.name).toBe('Work laptop');
      expect(await store.authenticators.removePasskey(userId, 'cred-1')).toBe(true);
      expect(await store.authenticators.findPasskey('cred-1')).toBeUndefined();
      expect(await store.authenticators.removePasskey(userId, 'cred-1')).toBe(false);
    });

    it('moves a passkey counter only forward, once per value, and records its use', async () => {
      await store.authenticators.addPasskey(passkey('cred-1', { counter: 5 }), NOW);
      expect(await store.authenticators.recordPasskeyUse('cred-1', 5, 6, true, NOW + 10)).toBe(true);
      // A second assertion that read the counter as 5 too, or one that goes backwards, does not pass.
      expect(await store.authenticators.recordPasskeyUse('cred-1', 5, 6, true, NOW + 11)).toBe(false);
      expect(await store.authenticators.recordPasskeyUse('cred-1', 6, 3, true, NOW + 12)).toBe(false);
      expect(await store.authenticators.recordPasskeyUse('cred-1', 6, 6, true, NOW + 12)).toBe(false);
      expect(await store.authenticators.findPasskey('cred-1')).toMatchObject({
        counter: 6,
        backedUp: true,
        lastUsedAt: NOW + 10,
      });
      // An authenticator that keeps no counter (always 0) signs in every time.
      await store.authenticators.addPasskey(passkey('cred-0'), NOW);
      expect(await store.authenticators.recordPasskeyUse('cred-0', 0, 0, false, NOW + 20)).toBe(true);
      expect(await store.authenticators.recordPasskeyUse('cred-0', 0, 0, false, NOW + 21)).toBe(true);
    });

    it('uses each recovery code once, and replaces the whole set', async () => {
      await store.authenticators.replaceRecoveryCodes(userId, ['h1', 'h2'], NOW);
      const [first, second] = await store.authenticators.unusedRecoveryCodes(userId);
      expect([first?.hash, second?.hash]).toEqual(['h1', 'h2']);
      expect(await store.authenticators.useRecoveryCode(userId, Number(first?.id), NOW)).toBe(true);
      expect(await store.authenticators.useRecoveryCode(userId, Number(first?.id), NOW)).toBe(false);
      const other = await store.users.create({
        username: 'bea',
        email: 'bea@example.test',
        passwordHash: HASH,
      });
      expect(await store.authenticators.useRecoveryCode(other.id, Number(second?.id), NOW)).toBe(false);
      expect((await store.authenticators.unusedRecoveryCodes(userId)).map((code) => code.hash)).toEqual([
        'h2',
      ]);
      await store.authenticators.replaceRecoveryCodes(userId, ['h3'], NOW);
      expect((await store.authenticators.unusedRecoveryCodes(userId)).map((code) => code.hash)).toEqual([
        'h3',
      ]);
      expect(await store.authenticators.useRecoveryCode(userId, Number(second?.id), NOW)).toBe(false);
    });

    it('removes every authenticator with its user', async () => {
      await store.authenticators.setTotpSecret(userId, SECRET);
      await store.authenticators.addPasskey(passkey('cred-1'), NOW);
      await store.authenticators.replaceRecoveryCodes(userId, ['h1'], NOW);
      expect(await store.users.remove('ada')).toBe(true);
      expect(await store.authenticators.findPasskey('cred-1')).toBeUndefined();
      expect(await store.authenticators.summary(userId)).toEqual({
        totp: false,
        passkeys: 0,
        recoveryCodes: 0,
      });
    });

    it('gives a challenge back once, only before it expires, and only under its own key', async () => {
      await store.challenges.put('interaction:a', 'challenge-a', NOW + 300);
      expect(await store.challenges.take('interaction:b', NOW)).toBeUndefined();
      expect(await store.challenges.take('interaction:a', NOW)).toBe('challenge-a');
      expect(await store.challenges.take('interaction:a', NOW)).toBeUndefined();
      await store.challenges.put('interaction:a', 'old', NOW + 300);
      await store.challenges.put('interaction:a', 'new', NOW + 300);
      expect(await store.challenges.take('interaction:a', NOW)).toBe('new');
      await store.challenges.put('interaction:c', 'late', NOW + 300);
      expect(await store.challenges.take('interaction:c', NOW + 300)).toBeUndefined();
      // An expired challenge is spent too: it does not come back if the clock were wrong once.
      expect(await store.challenges.take('interaction:c', NOW)).toBeUndefined();
      await store.challenges.put('interaction:d', 'swept', NOW + 10);
      await store.challenges.sweep(NOW + 10);
      expect(await store.challenges.take('interaction:d', NOW)).toBeUndefined();
    });
  });
}
