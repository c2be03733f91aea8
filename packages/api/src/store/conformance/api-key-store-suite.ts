import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredSigningKey } from '../../keys/signing-key-file.js';
import { type OpenedStores, type StoreBackend, type SuiteClock, suiteClock } from './store-backends.js';

/**
 * The conformance suite of {@link ApiKeyStore}: every process of a deployment gets the same keys, made once, and
 * sees a rotation made by another.
 */
export function runApiKeyStoreSuite(backend: StoreBackend, makeClock: () => SuiteClock = suiteClock) {
  describe(`ApiKeyStore on ${backend.name}`, () => {
    let db: OpenedStores;
    let clock: SuiteClock;
    beforeEach(async () => {
      db = await backend.open();
      clock = makeClock();
    });
    afterEach(async () => db.close());

    it('makes each key once, whichever process starts first, and lists none before', async () => {
      const peer = await db.peer();
      expect(await db.store.keys.existingSigningKeys()).toBeUndefined();
      const [a, b] = await Promise.all([
        db.store.keys.signingKeys(clock.now()),
        peer.keys.signingKeys(clock.now()),
      ]);
      expect(a).toEqual(b);
      expect(a).toHaveLength(1);
      expect(a?.[0]).toMatchObject({ alg: 'ES256', retired_at: null, created_at: clock.now() });
      expect(await peer.keys.existingSigningKeys()).toEqual(a);

      const [sealingA, sealingB] = await Promise.all([db.store.keys.sealingKey(), peer.keys.sealingKey()]);
      expect(sealingA).toHaveLength(32);
      expect(sealingA.equals(sealingB)).toBe(true);
      // Read without creating (gatehouse doctor): nothing before the first start, the same key after it.
      expect(await peer.keys.existingClientAssertionJwk()).toBeUndefined();
      const [clientA, clientB] = await Promise.all([
        db.store.keys.clientAssertionJwk(),
        peer.keys.clientAssertionJwk(),
      ]);
      expect(clientA).toEqual(clientB);
      expect(clientA).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect(typeof clientA.d).toBe('string');
      expect(await peer.keys.existingClientAssertionJwk()).toEqual(clientA);
    });

    it('shows a rotation by another process (a new version), and loses neither of two at once', async () => {
      const peer = await db.peer();
      const [first] = await db.store.keys.signingKeys(clock.now());
      const before = await db.store.keys.signingKeysVersion();
      clock.advance(1000);
      await Promise.all([
        peer.keys.updateSigningKeys(async (keys) => [...keys, ...copyAs(keys, 'added-by-peer')], clock.now()),
        db.store.keys.updateSigningKeys(
          async (keys) => [...keys, ...copyAs(keys, 'added-here')],
          clock.now(),
        ),
      ]);
      expect(await db.store.keys.signingKeysVersion()).not.toBe(before);
      const kids = (await db.store.keys.signingKeys(clock.now())).map((key) => key.kid);
      expect(kids[0]).toBe(first?.kid);
      expect(kids.slice(1).sort()).toEqual(['added-by-peer', 'added-here']);
    });
  });
}

/** The first key again under another kid: a stand-in for a rotation's new key. */
function copyAs(keys: StoredSigningKey[], kid: string): StoredSigningKey[] {
  return keys.slice(0, 1).map((key) => ({ ...key, kid }));
}
