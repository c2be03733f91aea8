import { waitUntil } from '@gatehouse/common/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiStore } from '../api-store.js';
import type { RevokedSession } from '../revocation-feed.js';
import { DAY_MS, testSession } from './session-fixtures.js';
import { type OpenedStores, type StoreBackend, type SuiteClock, suiteClock } from './store-backends.js';

/** Reads the feed as a process does: from its cursor, collecting every id (idempotent). */
class FeedReader {
  readonly ids = new Set<string>();
  #cursor = 0;
  constructor(readonly store: ApiStore) {}
  async read(notBefore: number): Promise<void> {
    const { cursor, sessions } = await this.store.revocationsAfter(this.#cursor, notBefore);
    this.#cursor = cursor;
    for (const session of sessions) this.ids.add(session.id);
  }
}

/**
 * The conformance suite of {@link RevocationFeed}: a revocation on one process reaches every other and is never
 * skipped for good, whatever the order its commit came in (docs/security.md 39).
 */
export function runRevocationFeedSuite(backend: StoreBackend, makeClock: () => SuiteClock = suiteClock) {
  describe(`RevocationFeed on ${backend.name}`, () => {
    let db: OpenedStores;
    let clock: SuiteClock;
    beforeEach(async () => {
      db = await backend.open();
      clock = makeClock();
    });
    afterEach(async () => db.close());

    const live = async (...ids: string[]) => {
      for (const id of ids) await db.store.createSession(testSession(id, clock.now()), clock.now() + DAY_MS);
    };

    it("reads another process's revocations, each time only what it has not read, and all of them the first time", async () => {
      await live('one', 'two', 'three');
      const peer = await db.peer();
      await peer.revokeSession('one', 'logout', clock.now());
      const reader = new FeedReader(db.store);
      await reader.read(clock.now() - DAY_MS);
      expect([...reader.ids]).toEqual(['one']);
      await peer.revokeProviderSessions({ sub: 'dana' }, clock.now());
      await reader.read(clock.now() - DAY_MS);
      expect([...reader.ids].sort()).toEqual(['one', 'three', 'two']);
      // Revoking again changes nothing: no second notice, the first kept its time.
      await peer.revokeSession('one', 'logout', clock.now() + 5);
      const fresh = new FeedReader(db.store);
      await fresh.read(clock.now() - DAY_MS);
      expect(fresh.ids.size).toBe(3);
    });

    it('reads a revocation committed after a read that looked past its stamp (a write that waited)', async () => {
      await live('late');
      const reader = new FeedReader(db.store);
      clock.advance(4000);
      await reader.read(clock.now() - DAY_MS);
      // The revoker read its clock 4 s ago, then its write waited: it commits after the read above.
      await (await db.peer()).revokeSession('late', 'logout', clock.now() - 4000);
      await reader.read(clock.now() - DAY_MS);
      expect(reader.ids.has('late')).toBe(true);
    });

    it('leaves out revocations older than asked for (no token of theirs is still alive)', async () => {
      await live('old', 'new');
      await db.store.revokeSession('old', 'logout', clock.now() - 2 * 60_000);
      await db.store.revokeSession('new', 'logout', clock.now());
      const reader = new FeedReader(db.store);
      await reader.read(clock.now() - 60_000);
      expect([...reader.ids]).toEqual(['new']);
    });

    const concurrent = backend.concurrent;
    if (concurrent !== undefined) {
      it('never skips a revocation committed after a later one was read (commit order is not stamp order)', async () => {
        await live('first-stamped', 'first-committed');
        const reader = new FeedReader(db.store);
        await reader.read(clock.now() - DAY_MS);
        // Stamped (and numbered) first, committed last: "after the last one seen" would pass it by for good.
        const commit = await concurrent.holdRevocation('first-stamped', clock.now());
        await (await db.peer()).revokeSession('first-committed', 'logout', clock.now());
        await reader.read(clock.now() - DAY_MS);
        expect([...reader.ids]).toEqual(['first-committed']);
        await commit();
        await reader.read(clock.now() - DAY_MS);
        expect(reader.ids.has('first-stamped')).toBe(true);
      });

      it('pushes revocations to a listening process, and has it resync after its connection was cut', async () => {
        await live('pushed', 'while-down');
        const pushed: RevokedSession[] = [];
        let resyncs = 0;
        const stop = db.store.watchRevocations?.({
          revoked: (session) => pushed.push(session),
          resync: () => {
            resyncs += 1;
          },
        });
        expect(stop).toBeDefined();
        try {
          // Listening once the first resync is asked for: it follows the LISTEN.
          expect(await waitUntil(() => resyncs === 1)).toBe(true);
          const peer = await db.peer();
          await peer.revokeSession('pushed', 'logout', clock.now());
          expect(await waitUntil(() => pushed.some((session) => session.id === 'pushed'))).toBe(true);
          expect(pushed[0]).toEqual({ id: 'pushed', revokedAt: clock.now() });

          await concurrent.dropListeners();
          await peer.revokeSession('while-down', 'logout', clock.now());
          // Its notice may be lost with the connection; the listener is told to resync once it is back.
          expect(await waitUntil(() => resyncs === 2)).toBe(true);
          const reader = new FeedReader(db.store);
          await reader.read(clock.now() - DAY_MS);
          expect(reader.ids.has('while-down')).toBe(true);
        } finally {
          await stop?.();
        }
      });
    }
  });
}
