import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, testSession } from './session-fixtures.js';
import { type OpenedStores, type StoreBackend, type SuiteClock, suiteClock } from './store-backends.js';

const GRACE_MS = 10_000;

/**
 * The conformance suite of {@link SessionStore}: refresh rotation as a compare-and-set (one successor, however many
 * processes race), the grace for a lost answer, and reuse ending the session (docs/security.md 38).
 */
export function runSessionStoreSuite(backend: StoreBackend, makeClock: () => SuiteClock = suiteClock) {
  describe(`SessionStore on ${backend.name}`, () => {
    let db: OpenedStores;
    let clock: SuiteClock;
    beforeEach(async () => {
      db = await backend.open();
      clock = makeClock();
    });
    afterEach(async () => db.close());

    const rotate = (id: string, generation: number, graceMs = 0, store = db.store) =>
      store.rotateRefreshToken(id, generation, clock.now(), clock.now() + DAY_MS, graceMs);

    it('moves the current generation on, knows every earlier one as reused, and no later one', async () => {
      await db.store.upsertUser({ sub: 'dana', email: 'dana@example.test', roles: ['admin'] }, clock.now());
      await db.store.createSession(
        testSession('s1', clock.now(), { scope: 'openid email' }),
        clock.now() + DAY_MS,
      );
      expect(await rotate('s1', 0)).toMatchObject({
        status: 'ok',
        generation: 1,
        session: { id: 's1', sub: 'dana', scope: 'openid email' },
        user: { sub: 'dana', email: 'dana@example.test', roles: ['admin'] },
      });
      clock.advance(1);
      expect(await rotate('s1', 1)).toMatchObject({ status: 'ok', generation: 2 });
      expect(await db.store.findSessionByRefresh('s1', 0)).toMatchObject({ spent: true });
      expect(await db.store.findSessionByRefresh('s1', 2)).toMatchObject({ spent: false });
      expect(await db.store.findSessionByRefresh('s1', 3)).toBeUndefined();
      expect(await rotate('s1', 7)).toEqual({ status: 'not_found' });
      expect(await rotate('nope', 0)).toEqual({ status: 'not_found' });
      expect(await rotate('s1', 0)).toEqual({ status: 'reused', sessionId: 's1' });
      expect(await rotate('s1', 2)).toEqual({ status: 'revoked' });
    });

    it('gives one successor at most when two processes refresh one token at once (no grace: the other is reuse)', async () => {
      await db.store.createSession(testSession('race', clock.now()), clock.now() + DAY_MS);
      const peer = await db.peer();
      const results = await Promise.all([rotate('race', 0, 0), rotate('race', 0, 0, peer)]);
      // A read-then-write that ignores the row count would answer `ok` twice: two browsers, one session.
      expect(results.filter((result) => result.status === 'ok')).toHaveLength(1);
      expect(results.filter((result) => result.status === 'reused')).toHaveLength(1);
    });

    it('gives the same successor to both when two processes refresh one token at once within the grace', async () => {
      await db.store.createSession(testSession('race-grace', clock.now()), clock.now() + DAY_MS);
      const peer = await db.peer();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => rotate('race-grace', 0, GRACE_MS, i % 2 === 0 ? db.store : peer)),
      );
      expect(results.map((result) => result.status)).toEqual(Array(6).fill('ok'));
      expect(new Set(results.map((result) => (result.status === 'ok' ? result.generation : -1)))).toEqual(
        new Set([1]),
      );
      // The generation moved once: generation 1 is current, 0 spent.
      expect(await db.store.findSessionByRefresh('race-grace', 1)).toMatchObject({ spent: false });
    });

    it('re-issues the successor within the grace while it is unused, and calls it reuse once it was used', async () => {
      await db.store.createSession(testSession('lost', clock.now()), clock.now() + DAY_MS);
      expect(await rotate('lost', 0, GRACE_MS)).toMatchObject({ status: 'ok', generation: 1 });
      clock.advance(GRACE_MS - 1);
      // The answer was lost (the process died after its commit): the same cookie again gets the same successor.
      expect(await rotate('lost', 0, GRACE_MS)).toMatchObject({ status: 'ok', generation: 1 });
      expect(await rotate('lost', 1, GRACE_MS)).toMatchObject({ status: 'ok', generation: 2 });
      // Its successor was used: the old cookie is a copy now, within the grace or not.
      expect(await rotate('lost', 0, GRACE_MS)).toEqual({ status: 'reused', sessionId: 'lost' });
      expect(await rotate('lost', 2, GRACE_MS)).toEqual({ status: 'revoked' });
    });

    it('calls a token presented again after the grace reuse, and gives no grace to an ended session', async () => {
      await db.store.createSession(testSession('late', clock.now()), clock.now() + DAY_MS);
      await rotate('late', 0, GRACE_MS);
      clock.advance(GRACE_MS + 1);
      expect(await rotate('late', 0, GRACE_MS)).toEqual({ status: 'reused', sessionId: 'late' });

      await db.store.createSession(testSession('ended', clock.now()), clock.now() + DAY_MS);
      await rotate('ended', 0, GRACE_MS);
      await db.store.revokeSession('ended', 'logout', clock.now());
      expect(await rotate('ended', 0, GRACE_MS)).toEqual({ status: 'reused', sessionId: 'ended' });
      expect(await rotate('ended', 1, GRACE_MS)).toEqual({ status: 'revoked' });
    });

    it('ends a session nobody refreshed for its idle lifetime, and the sweep removes it a day later', async () => {
      await db.store.createSession(testSession('idle', clock.now()), clock.now() + DAY_MS);
      const start = clock.now();
      clock.advance(DAY_MS);
      expect(await rotate('idle', 0)).toEqual({ status: 'expired' });
      await db.store.sweep(start + 2 * DAY_MS - 1);
      expect(await db.store.findSessionByRefresh('idle', 0)).toBeDefined();
      await db.store.sweep(start + 2 * DAY_MS + 1);
      expect(await db.store.findSessionByRefresh('idle', 0)).toBeUndefined();
    });

    it('revokes the sessions of a provider sid or sub (back-channel logout), each once, on any process', async () => {
      const now = clock.now();
      await db.store.createSession(testSession('a', now, { sub: 'erin', providerSid: 'op-1' }), now + DAY_MS);
      await db.store.createSession(testSession('b', now, { sub: 'erin', providerSid: 'op-2' }), now + DAY_MS);
      await db.store.createSession(testSession('c', now, { sub: 'finn', providerSid: 'op-1' }), now + DAY_MS);
      const peer = await db.peer();
      expect(await peer.revokeProviderSessions({ providerSid: 'op-1', sub: 'erin' }, now)).toEqual(['a']);
      expect((await peer.revokeProviderSessions({ sub: 'erin' }, now)).sort()).toEqual(['b']);
      expect(await db.store.revokeProviderSessions({ providerSid: 'op-1' }, now)).toEqual(['c']);
      expect(await db.store.revokeProviderSessions({}, now)).toEqual([]);
      expect(await rotate('a', 0)).toEqual({ status: 'revoked' });
      expect((await db.store.findSessionByRefresh('b', 0))?.session.revokedAt).toBe(now);
    });

    it('keeps a user as the provider last described them', async () => {
      await db.store.upsertUser(
        { sub: 'gus', email: 'g@example.test', email_verified: true, name: 'Gus', roles: ['a', 'b'] },
        clock.now(),
      );
      await db.store.upsertUser({ sub: 'gus', name: 'Gus B' }, clock.now());
      await db.store.createSession(testSession('g', clock.now(), { sub: 'gus' }), clock.now() + DAY_MS);
      const result = await rotate('g', 0);
      expect(result.status === 'ok' ? result.user : undefined).toEqual({ sub: 'gus', name: 'Gus B' });
      await db.store.upsertUser({ sub: 'gus', email_verified: false }, clock.now());
      const again = await rotate('g', 1);
      expect(again.status === 'ok' ? again.user : undefined).toEqual({ sub: 'gus', email_verified: false });
    });
  });
}
