import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenedStores, type StoreBackend, type SuiteClock, suiteClock } from './store-backends.js';

/** The conformance suite of {@link LogoutJtiStore}: a back-channel logout token's `jti` once, across processes. */
export function runLogoutJtiStoreSuite(backend: StoreBackend, makeClock: () => SuiteClock = suiteClock) {
  describe(`LogoutJtiStore on ${backend.name}`, () => {
    let db: OpenedStores;
    let clock: SuiteClock;
    beforeEach(async () => {
      db = await backend.open();
      clock = makeClock();
    });
    afterEach(async () => db.close());

    it('accepts a jti once, on whichever process, until the sweep after its expiry', async () => {
      const peer = await db.peer();
      const expiresAt = clock.now() + 120_000;
      const first = await Promise.all([
        db.store.rememberLogoutJti('jti-1', expiresAt),
        peer.rememberLogoutJti('jti-1', expiresAt),
        db.store.rememberLogoutJti('jti-1', expiresAt),
      ]);
      expect(first.filter(Boolean)).toHaveLength(1);
      expect(await peer.rememberLogoutJti('jti-2', expiresAt)).toBe(true);
      await db.store.sweep(clock.now());
      expect(await db.store.rememberLogoutJti('jti-1', expiresAt)).toBe(false);
      clock.advance(120_001);
      await db.store.sweep(clock.now());
      expect(await db.store.rememberLogoutJti('jti-1', clock.now() + 120_000)).toBe(true);
    });
  });
}
