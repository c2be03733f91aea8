import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, testSession } from './session-fixtures.js';
import { type OpenedStores, type StoreBackend, type SuiteClock, suiteClock } from './store-backends.js';

/**
 * The conformance suite of an operator's view of {@link SessionStore} (`gatehouse sessions list|revoke`): the live
 * sessions only, newest first, bounded, with what the sign-in recorded and the last refresh; a revocation by id or
 * by user that reaches the revocation feed, as every other revocation does (docs/security.md 39).
 */
export function runSessionAdminSuite(backend: StoreBackend, makeClock: () => SuiteClock = suiteClock) {
  describe(`SessionStore (operator) on ${backend.name}`, () => {
    let db: OpenedStores;
    let clock: SuiteClock;
    beforeEach(async () => {
      db = await backend.open();
      clock = makeClock();
    });
    afterEach(async () => db.close());

    async function seed() {
      const start = clock.now();
      await db.store.upsertUser({ sub: 'sub-ann', email: 'Ann@Example.test', name: 'Ann' }, start);
      await db.store.createSession(
        testSession('ann-1', start, { sub: 'sub-ann', address: '203.0.113.9', userAgent: 'Firefox/140' }),
        start + DAY_MS,
      );
      clock.advance(1000);
      await db.store.createSession(
        testSession('bob-1', clock.now(), { sub: 'sub-bob' }),
        clock.now() + DAY_MS,
      );
      clock.advance(1000);
      await db.store.createSession(
        testSession('ann-2', clock.now(), { sub: 'sub-ann' }),
        clock.now() + DAY_MS,
      );
      // Ended ones are not listed: revoked, idle-expired.
      await db.store.createSession(testSession('ann-gone', start, { sub: 'sub-ann' }), clock.now() + DAY_MS);
      await db.store.revokeSession('ann-gone', 'logout', clock.now());
      await db.store.createSession(testSession('ann-idle', start, { sub: 'sub-ann' }), clock.now() + 10);
      clock.advance(1000);
      return start;
    }

    it('lists the live sessions newest first, with the sign-in address, user agent and the user as stored', async () => {
      const start = await seed();
      const all = await db.store.listSessions({ limit: 100 }, clock.now());
      expect(all.map((session) => session.id)).toEqual(['ann-2', 'bob-1', 'ann-1']);
      expect(all[2]).toEqual({
        id: 'ann-1',
        sub: 'sub-ann',
        email: 'Ann@Example.test',
        name: 'Ann',
        createdAt: start,
        lastUsedAt: start,
        address: '203.0.113.9',
        userAgent: 'Firefox/140',
        expiresAt: start + DAY_MS,
      });
      expect(all[1]).toMatchObject({ id: 'bob-1', email: null, name: null, address: null, userAgent: null });
      expect((await db.store.listSessions({ limit: 2 }, clock.now())).map((s) => s.id)).toEqual([
        'ann-2',
        'bob-1',
      ]);
    });

    it("lists one user's sessions by sub or by email in any case, and nobody else's", async () => {
      await seed();
      for (const user of ['sub-ann', 'ann@example.TEST']) {
        const listed = await db.store.listSessions({ user, limit: 100 }, clock.now());
        expect(listed.map((session) => session.id)).toEqual(['ann-2', 'ann-1']);
      }
      expect(await db.store.listSessions({ user: 'Ann', limit: 100 }, clock.now())).toEqual([]);
      expect(await db.store.listSessions({ user: "sub-ann' OR 1=1 --", limit: 100 }, clock.now())).toEqual(
        [],
      );
    });

    it('shows the last refresh as the last use, and the idle expiry it moved', async () => {
      await seed();
      const refreshedAt = clock.now();
      await db.store.rotateRefreshToken('bob-1', 0, refreshedAt, refreshedAt + 2 * DAY_MS);
      const [bob] = await db.store.listSessions({ user: 'sub-bob', limit: 1 }, clock.now());
      expect(bob).toMatchObject({ lastUsedAt: refreshedAt });
      // The absolute expiry (a week) bounds the idle one.
      expect(bob?.expiresAt).toBe(refreshedAt + 2 * DAY_MS);
    });

    it('revokes one session by id, or every live one of a user, once, and the feed carries them', async () => {
      await seed();
      const peer = await db.peer();
      const before = await peer.revocationsAfter(0, 0);
      expect(await db.store.revokeSessions({ id: 'bob-1' }, 'admin', clock.now())).toEqual(['bob-1']);
      expect(await db.store.revokeSessions({ id: 'bob-1' }, 'admin', clock.now())).toEqual([]);
      expect(await db.store.revokeSessions({ id: 'ann-gone' }, 'admin', clock.now())).toEqual([]);
      expect(await db.store.revokeSessions({ id: 'nope' }, 'admin', clock.now())).toEqual([]);
      const ann = await db.store.revokeSessions({ user: 'ANN@example.test' }, 'admin', clock.now());
      expect(ann.sort()).toEqual(['ann-1', 'ann-2']);
      expect(await db.store.listSessions({ limit: 100 }, clock.now())).toEqual([]);
      // Refused at refresh, and pushed to every process's revocation set by the feed.
      expect(await db.store.rotateRefreshToken('ann-1', 0, clock.now(), clock.now() + DAY_MS)).toEqual({
        status: 'revoked',
      });
      const after = await peer.revocationsAfter(before.cursor, 0);
      expect(after.sessions.map((session) => session.id).sort()).toEqual(
        expect.arrayContaining(['ann-1', 'ann-2', 'bob-1']),
      );
    });
  });
}
