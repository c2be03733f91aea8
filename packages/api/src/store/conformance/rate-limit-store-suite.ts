import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenedStores, type StoreBackend, type SuiteClock, suiteClock } from './store-backends.js';

/** The conformance suite of {@link RateLimitStore}: one count per key for every process, in fixed windows. */
export function runRateLimitStoreSuite(backend: StoreBackend, makeClock: () => SuiteClock = suiteClock) {
  describe(`RateLimitStore on ${backend.name}`, () => {
    let db: OpenedStores;
    let clock: SuiteClock;
    beforeEach(async () => {
      db = await backend.open();
      clock = makeClock();
    });
    afterEach(async () => db.close());

    it('counts the hits of every process on one key, each exactly once', async () => {
      const peer = await db.peer();
      const start = clock.now();
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? db.store : peer).hitRateLimit('GET /api/login|10.0.0.1', 60_000, start),
        ),
      );
      expect(counts.map((count) => count.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(new Set(counts.map((count) => count.resetAt))).toEqual(new Set([start + 60_000]));
      expect(await peer.hitRateLimit('GET /api/login|10.0.0.2', 60_000, start)).toEqual({
        count: 1,
        resetAt: start + 60_000,
      });
    });

    it('starts a new window once the current one is over, the sweep of ended ones aside', async () => {
      const start = clock.now();
      await db.store.hitRateLimit('k', 60_000, start);
      clock.advance(59_999);
      expect(await db.store.hitRateLimit('k', 60_000, clock.now())).toEqual({
        count: 2,
        resetAt: start + 60_000,
      });
      clock.advance(1);
      expect(await db.store.hitRateLimit('k', 60_000, clock.now())).toEqual({
        count: 1,
        resetAt: clock.now() + 60_000,
      });
      clock.advance(60_001);
      await db.store.sweep(clock.now());
      expect(await db.store.hitRateLimit('k', 60_000, clock.now())).toMatchObject({ count: 1 });
    });
  });
}
