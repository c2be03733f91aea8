import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoginTransaction } from '../login-transaction-store.js';
import { type OpenedStores, type StoreBackend, type SuiteClock, suiteClock } from './store-backends.js';

/**
 * The conformance suite of {@link LoginTransactionStore}: single use across every process sharing the store
 * (docs/security.md 8).
 */
export function runLoginTransactionStoreSuite(
  backend: StoreBackend,
  makeClock: () => SuiteClock = suiteClock,
) {
  describe(`LoginTransactionStore on ${backend.name}`, () => {
    let db: OpenedStores;
    let clock: SuiteClock;
    beforeEach(async () => {
      db = await backend.open();
      clock = makeClock();
    });
    afterEach(async () => db.close());

    const transaction = (stateHash: string): LoginTransaction => ({
      stateHash,
      bindingHash: 'binding-hash',
      nonce: 'nonce-value',
      codeVerifier: 'code-verifier-of-this-login-0123456789abcdefghijklmnop',
      returnTo: '/contacts',
      flow: 'spa',
      loginChallenge: 'challenge',
      createdAt: clock.now(),
      expiresAt: clock.now() + 600_000,
    });

    it('hands a transaction out once, to whichever process asks first', async () => {
      const tx = transaction('state-1');
      await db.store.createLoginTransaction(tx);
      const peer = await db.peer();
      expect(await peer.consumeLoginTransaction('state-1', clock.now())).toEqual({
        status: 'ok',
        transaction: tx,
      });
      expect(await db.store.consumeLoginTransaction('state-1', clock.now())).toEqual({ status: 'used' });
      expect(await peer.consumeLoginTransaction('state-1', clock.now())).toEqual({ status: 'used' });
      expect(await db.store.consumeLoginTransaction('never-made', clock.now())).toEqual({
        status: 'not_found',
      });
    });

    it('of callbacks racing on two processes, exactly one gets the transaction', async () => {
      await db.store.createLoginTransaction(transaction('state-race'));
      const peer = await db.peer();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? db.store : peer).consumeLoginTransaction('state-race', clock.now()),
        ),
      );
      expect(results.filter((result) => result.status === 'ok')).toHaveLength(1);
      expect(results.filter((result) => result.status === 'used')).toHaveLength(7);
    });

    it('keeps the simple flow and a missing login challenge as they were', async () => {
      const tx: LoginTransaction = { ...transaction('state-simple'), flow: 'simple', loginChallenge: null };
      await db.store.createLoginTransaction(tx);
      expect(await db.store.consumeLoginTransaction('state-simple', clock.now())).toEqual({
        status: 'ok',
        transaction: tx,
      });
    });

    it('sweeps transactions an hour past their expiry', async () => {
      await db.store.createLoginTransaction(transaction('state-old'));
      clock.advance(600_000 + 3_600_000 + 1);
      await db.store.sweep(clock.now());
      expect(await db.store.consumeLoginTransaction('state-old', clock.now())).toEqual({
        status: 'not_found',
      });
    });
  });
}
