import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory, StoreUnderTest } from '../../testing/store-backends.js';
import type { AuthStore } from '../auth-store.js';

const NOW = 1_800_000_000;
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';

/**
 * The contract of {@link AuthStore.throttle}, for every backend: counters, markers, the rate-limit window, the
 * second-factor counter and attempts in flight, each counted right when several processes move it at once
 * (docs/security.md 32).
 */
export function runThrottleStoreTests(backend: string, newStore: StoreFactory): void {
  describe(`throttle store (${backend})`, () => {
    let subject: StoreUnderTest;
    let store: AuthStore;
    beforeEach(async () => {
      subject = await newStore(() => NOW);
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    it('counts failures, starts over after being idle, clears, and sweeps idle counters', async () => {
      expect(await store.throttle.recordFailure('k', NOW, 3600)).toEqual({
        key: 'k',
        failures: 1,
        lastFailureAt: NOW,
      });
      expect(await store.throttle.recordFailure('k', NOW + 10, 3600)).toMatchObject({ failures: 2 });
      expect(await store.throttle.get('k')).toEqual({ key: 'k', failures: 2, lastFailureAt: NOW + 10 });
      expect(await store.throttle.recordFailure('k', NOW + 10 + 3601, 3600)).toMatchObject({ failures: 1 });
      await store.throttle.clear('k');
      expect(await store.throttle.get('k')).toBeUndefined();
      await store.throttle.recordFailure('old', NOW, 3600);
      await store.throttle.sweep(NOW + 10, NOW + 1);
      expect(await store.throttle.get('old')).toBeUndefined();
    });

    it('counts every failure recorded at once by several processes', async () => {
      const stores = [store, await subject.another(), await subject.another()];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          stores[i % stores.length]?.throttle.recordFailure('k', NOW, 3600),
        ),
      );
      expect((await store.throttle.get('k'))?.failures).toBe(30);
    });

    it('keeps a marker until it expires', async () => {
      await store.throttle.mark('known:ada|192.0.2.0', NOW + 100);
      expect(await store.throttle.isMarked('known:ada|192.0.2.0', NOW + 99)).toBe(true);
      expect(await store.throttle.isMarked('known:ada|192.0.2.0', NOW + 100)).toBe(false);
      expect(await store.throttle.isMarked('other', NOW)).toBe(false);
      await store.throttle.sweep(NOW + 101, NOW);
      await store.throttle.mark('known:ada|192.0.2.0', NOW + 200);
      expect(await store.throttle.isMarked('known:ada|192.0.2.0', NOW + 150)).toBe(true);
    });

    it('takes `limit` requests per window, then refuses until the window ends', async () => {
      for (let i = 1; i <= 3; i++) {
        expect(await store.throttle.takeFromWindow('w', NOW + i, 60, 3)).toEqual({
          allowed: true,
          count: i,
          resetAt: NOW + 61,
        });
      }
      expect(await store.throttle.takeFromWindow('w', NOW + 60, 60, 3)).toEqual({
        allowed: false,
        count: 3,
        resetAt: NOW + 61,
      });
      expect(await store.throttle.takeFromWindow('w', NOW + 61, 60, 3)).toEqual({
        allowed: true,
        count: 1,
        resetAt: NOW + 121,
      });
    });

    it('never lets processes taking from one window at once take more than the limit', async () => {
      const stores = [store, await subject.another(), await subject.another()];
      const taken = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          stores[i % stores.length]?.throttle.takeFromWindow('w', NOW, 60, 7),
        ),
      );
      expect(taken.filter((each) => each?.allowed)).toHaveLength(7);
    });

    it('counts wrong second-factor codes from several processes, never resets them by time, clears them', async () => {
      const ada = await store.users.create({
        username: 'ada',
        email: 'ada@example.test',
        passwordHash: HASH,
      });
      const stores = [store, await subject.another()];
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          stores[i % 2]?.throttle.recordSecondFactorFailure(ada.id, NOW + i),
        ),
      );
      expect(await store.throttle.secondFactorFailures(ada.id)).toMatchObject({ key: ada.id, failures: 10 });
      await store.throttle.sweep(NOW + 365 * 24 * 3600, NOW + 365 * 24 * 3600);
      expect((await store.throttle.secondFactorFailures(ada.id))?.failures).toBe(10);
      await store.throttle.clearSecondFactorFailures(ada.id);
      expect(await store.throttle.secondFactorFailures(ada.id)).toBeUndefined();
    });

    it('counts attempts in flight on every process until released or expired (docs/security.md 32)', async () => {
      const other = await subject.another();
      expect(await store.throttle.holdInFlight('h1', ['a', 'b'], NOW, NOW + 30)).toEqual([0, 0]);
      expect(await other.throttle.holdInFlight('h2', ['b', 'c'], NOW, NOW + 30)).toEqual([1, 0]);
      expect(await store.throttle.countInFlight(['a', 'b', 'c', 'd'], NOW)).toEqual([1, 2, 1, 0]);
      await store.throttle.releaseInFlight('h1');
      expect(await other.throttle.countInFlight(['a', 'b'], NOW)).toEqual([0, 1]);
      // One left by a process that died ends at its expiry, and is swept.
      expect(await store.throttle.countInFlight(['b'], NOW + 30)).toEqual([0]);
      await store.throttle.sweep(NOW + 30, NOW);
      expect(await store.throttle.holdInFlight('h3', ['b'], NOW, NOW + 30)).toEqual([0]);
    });

    it('lets attempts reserving at once on several processes see each other', async () => {
      const stores = [store, await subject.another(), await subject.another()];
      const counts = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          stores[i % 3]?.throttle.holdInFlight(`h${i}`, ['k'], NOW, NOW + 30),
        ),
      );
      // However they interleave, the one that counts last counts every other.
      expect(Math.max(...counts.map((each) => each?.[0] ?? 0))).toBe(8);
    });

    it('reads the reservations of others, counters and a marker at once, and settles a success in one write', async () => {
      const other = await subject.another();
      await store.throttle.recordFailure('pair:ada', NOW - 10, 3600);
      await store.throttle.recordFailure('pair:ada', NOW - 5, 3600);
      await store.throttle.recordFailure('address:x', NOW - 1, 3600);
      await store.throttle.mark('known:ada', NOW + 100);
      await store.throttle.mark('known:old', NOW);
      await store.throttle.takeInFlight('mine', ['pair:ada', 'account:ada'], NOW + 30);
      await other.throttle.takeInFlight('theirs', ['account:ada'], NOW + 30);
      await other.throttle.takeInFlight('gone', ['pair:ada'], NOW);
      const query = {
        inFlight: ['pair:ada', 'account:ada', 'address:x'],
        holder: 'mine',
        counters: ['pair:ada', 'account:ada', 'address:x'],
        marker: 'known:ada',
      };
      expect(await other.throttle.readThrottle(query, NOW)).toEqual({
        inFlight: [0, 1, 0],
        counters: [
          { key: 'pair:ada', failures: 2, lastFailureAt: NOW - 5 },
          undefined,
          { key: 'address:x', failures: 1, lastFailureAt: NOW - 1 },
        ],
        marked: true,
      });
      // Holder '' counts every reservation; an expired marker, or none asked, is not marked.
      expect(
        await store.throttle.readThrottle({ ...query, holder: '', marker: 'known:old' }, NOW),
      ).toMatchObject({
        inFlight: [1, 2, 0],
        marked: false,
      });
      const { marker: _, ...unmarked } = query;
      expect((await store.throttle.readThrottle(unmarked, NOW)).marked).toBe(false);

      await store.throttle.settle(['pair:ada', 'account:ada'], { key: 'known:new', expiresAt: NOW + 50 });
      expect(await store.throttle.get('pair:ada')).toBeUndefined();
      expect(await store.throttle.get('address:x')).toMatchObject({ failures: 1 });
      expect(await other.throttle.isMarked('known:new', NOW + 49)).toBe(true);
      await store.throttle.settle(['address:x']);
      expect(await store.throttle.get('address:x')).toBeUndefined();
      expect(await store.throttle.isMarked('known:ada', NOW)).toBe(true);
    });

    it('lets attempts that reserve, then read, at once on several processes see each other', async () => {
      const stores = [store, await subject.another(), await subject.another()];
      const counts = await Promise.all(
        Array.from({ length: 9 }, async (_, i) => {
          const each = stores[i % 3]?.throttle;
          await each?.takeInFlight(`h${i}`, ['k'], NOW + 30);
          const reading = await each?.readThrottle({ inFlight: ['k'], holder: `h${i}`, counters: [] }, NOW);
          return reading?.inFlight[0] ?? 0;
        }),
      );
      // However they interleave, the one that reads last counts every other (LoginThrottle.reserve).
      expect(Math.max(...counts)).toBe(8);
    });
  });
}
