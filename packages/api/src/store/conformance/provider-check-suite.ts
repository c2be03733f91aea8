import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, testSession } from './session-fixtures.js';
import { type OpenedStores, type StoreBackend, type SuiteClock, suiteClock } from './store-backends.js';

const GRANT = {
  refreshTokenSealed: 'sealed-rt-1',
  accessTokenSealed: 'sealed-at-1',
  accessTokenExpiresAt: 5,
};

/**
 * The conformance suite of the provider check's state in {@link SessionStore} (OIDC_SESSION_CHECK_INTERVAL): the
 * sealed provider tokens kept with the session, one claim per due check however many processes refresh at
 * once, and what the check found (docs/security.md 49).
 */
export function runProviderCheckSuite(backend: StoreBackend, makeClock: () => SuiteClock = suiteClock) {
  describe(`SessionStore (provider check) on ${backend.name}`, () => {
    let db: OpenedStores;
    let clock: SuiteClock;
    beforeEach(async () => {
      db = await backend.open();
      clock = makeClock();
    });
    afterEach(async () => db.close());

    it('keeps the sealed grant, claims a due check once, and reports the last check at refresh', async () => {
      const start = clock.now();
      await db.store.createSession(testSession('p1', start, { providerGrant: GRANT }), start + DAY_MS);
      const rotated = await db.store.rotateRefreshToken('p1', 0, start, start + DAY_MS);
      expect(rotated.status === 'ok' ? rotated.session.providerCheckedAt : undefined).toBe(start);
      expect(await db.store.claimProviderCheck('p1', start - 1, start)).toBeUndefined();
      clock.advance(1000);
      expect(await db.store.claimProviderCheck('p1', start, clock.now())).toEqual({
        grant: GRANT,
        failingSince: null,
      });
      // Stamped: due again only once the interval has passed since now.
      expect(await db.store.claimProviderCheck('p1', start, clock.now())).toBeUndefined();
      const again = await db.store.rotateRefreshToken('p1', 1, clock.now(), clock.now() + DAY_MS);
      expect(again.status === 'ok' ? again.session.providerCheckedAt : undefined).toBe(clock.now());
      expect(await db.store.claimProviderCheck('nope', clock.now(), clock.now())).toBeUndefined();
    });

    it('gives a due check to one process only when several claim it at once', async () => {
      const start = clock.now();
      await db.store.createSession(testSession('race', start, { providerGrant: GRANT }), start + DAY_MS);
      const peer = await db.peer();
      clock.advance(1000);
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? db.store : peer).claimProviderCheck('race', start, clock.now()),
        ),
      );
      expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
    });

    it('records an outage from its first failure, and a vouching provider with its rotated tokens', async () => {
      const start = clock.now();
      await db.store.createSession(testSession('o', start, { providerGrant: GRANT }), start + DAY_MS);
      clock.advance(1000);
      await db.store.claimProviderCheck('o', start, clock.now());
      await db.store.recordProviderCheck('o', { failingSince: clock.now() });
      const failedAt = clock.now();
      clock.advance(1000);
      expect(await db.store.claimProviderCheck('o', clock.now(), clock.now())).toEqual({
        grant: GRANT,
        failingSince: failedAt,
      });
      const rotated = {
        refreshTokenSealed: 'sealed-rt-2',
        accessTokenSealed: 'sealed-at-2',
        accessTokenExpiresAt: 9,
      };
      await db.store.recordProviderCheck('o', { grant: rotated, failingSince: null });
      clock.advance(1000);
      expect(await db.store.claimProviderCheck('o', clock.now(), clock.now())).toEqual({
        grant: rotated,
        failingSince: null,
      });
    });

    it('claims no check of an ended session, and keeps no grant where none was given', async () => {
      const start = clock.now();
      await db.store.createSession(testSession('ended', start, { providerGrant: GRANT }), start + DAY_MS);
      await db.store.revokeSession('ended', 'logout', start);
      expect(await db.store.claimProviderCheck('ended', start, start)).toBeUndefined();
      await db.store.createSession(testSession('bare', start), start + DAY_MS);
      expect(await db.store.claimProviderCheck('bare', start, start)).toEqual({
        grant: { refreshTokenSealed: null, accessTokenSealed: null, accessTokenExpiresAt: null },
        failingSince: null,
      });
    });
  });
}
