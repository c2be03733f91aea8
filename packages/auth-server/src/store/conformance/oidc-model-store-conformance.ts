import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory, StoreUnderTest } from '../../testing/store-backends.js';
import type { AuthStore } from '../auth-store.js';
import { signedInSession } from './user-store-conformance.js';

const NOW = 1_800_000_000;

/**
 * The contract of {@link AuthStore.models} (oidc-provider's models) and {@link AuthStore.outbox}, for every
 * backend, including what only holds with several processes on one database: a code consumed once
 * (docs/security.md 41) and a back-channel notice claimed by one process only.
 */
export function runOidcModelStoreTests(backend: string, newStore: StoreFactory): void {
  describe(`oidc model store and back-channel outbox (${backend})`, () => {
    let subject: StoreUnderTest;
    let store: AuthStore;
    beforeEach(async () => {
      subject = await newStore(() => NOW);
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    it('stores, finds by id, uid and user code, expires, destroys and revokes by grant', async () => {
      await store.models.upsert(
        'AuthorizationCode',
        'c1',
        { grantId: 'g1', uid: 'u1', userCode: 'UC-1' },
        NOW + 60,
      );
      await store.models.upsert('AccessToken', 't1', { grantId: 'g1' }, NOW + 600);
      await store.models.upsert('AccessToken', 't2', { grantId: 'g2' }, null);
      expect(await store.models.find('AuthorizationCode', 'c1', NOW)).toEqual({
        grantId: 'g1',
        uid: 'u1',
        userCode: 'UC-1',
      });
      expect(await store.models.findByUid('AuthorizationCode', 'u1', NOW)).toMatchObject({ grantId: 'g1' });
      expect(await store.models.findByUserCode('AuthorizationCode', 'UC-1', NOW)).toMatchObject({
        grantId: 'g1',
      });
      // Models are apart: an id of one is nothing in another.
      expect(await store.models.find('AccessToken', 'c1', NOW)).toBeUndefined();
      expect(await store.models.find('AuthorizationCode', 'c1', NOW + 60)).toBeUndefined();
      await store.models.upsert('AuthorizationCode', 'c1', { grantId: 'g1', changed: true }, NOW + 60);
      expect(await store.models.find('AuthorizationCode', 'c1', NOW)).toEqual({
        grantId: 'g1',
        changed: true,
      });
      await store.models.revokeByGrantId('AccessToken', 'g1');
      expect(await store.models.find('AccessToken', 't1', NOW)).toBeUndefined();
      expect(await store.models.find('AccessToken', 't2', NOW)).toBeDefined();
      expect(await store.models.find('AuthorizationCode', 'c1', NOW)).toBeDefined();
      await store.models.destroy('AccessToken', 't2');
      expect(await store.models.find('AccessToken', 't2', NOW)).toBeUndefined();
      expect(await store.models.sweepExpired(NOW + 60)).toBe(1);
      expect(await store.models.find('AuthorizationCode', 'c1', NOW)).toBeUndefined();
    });

    it('consumes a code once: the second consume is told it is a replay, and `consumed` is set', async () => {
      await store.models.upsert('AuthorizationCode', 'c1', { grantId: 'g1' }, NOW + 60);
      expect(await store.models.consume('AuthorizationCode', 'c1', NOW)).toBe(true);
      expect(await store.models.consume('AuthorizationCode', 'c1', NOW + 1)).toBe(false);
      expect((await store.models.find('AuthorizationCode', 'c1', NOW + 2))?.consumed).toBe(NOW);
      expect(await store.models.consume('AuthorizationCode', 'missing', NOW)).toBe(false);
    });

    it('lets exactly one of many processes consuming one code at once succeed (docs/security.md 41)', async () => {
      await store.models.upsert('AuthorizationCode', 'c1', { grantId: 'g1' }, NOW + 60);
      const stores = [store, await subject.another(), await subject.another()];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          stores[i % stores.length]?.models.consume('AuthorizationCode', 'c1', NOW),
        ),
      );
      expect(results.filter((consumed) => consumed === true)).toHaveLength(1);
    });

    it('revokes a grant: its rows, the Grant itself, and rows written under it afterwards are gone', async () => {
      const other = await subject.another();
      await store.models.upsert('Grant', 'g1', { accountId: 'a1' }, NOW + 3600);
      await store.models.upsert('AuthorizationCode', 'c1', { grantId: 'g1' }, NOW + 60);
      await store.models.upsert('AccessToken', 'kept', { grantId: 'g2' }, NOW + 600);
      await other.models.revokeGrant('g1', NOW);
      expect(await store.models.find('Grant', 'g1', NOW)).toBeUndefined();
      expect(await store.models.find('AuthorizationCode', 'c1', NOW)).toBeUndefined();
      // A request that was still issuing tokens from the grant writes them after the revocation: never found.
      await store.models.upsert('AccessToken', 'late', { grantId: 'g1' }, NOW + 600);
      await store.models.upsert('RefreshToken', 'late', { grantId: 'g1' }, NOW + 600);
      expect(await other.models.find('AccessToken', 'late', NOW)).toBeUndefined();
      expect(await store.models.find('RefreshToken', 'late', NOW)).toBeUndefined();
      expect(await store.models.find('AccessToken', 'kept', NOW)).toBeDefined();
    });

    it('ends an account: its sessions, grants, tokens and sign-ins in progress, with a notice per back-channel client', async () => {
      await signedInSession(store, 'acct-1', 'sid-1');
      await signedInSession(store, 'acct-2', 'sid-2');
      await store.models.upsert(
        'Interaction',
        'i1',
        { result: { login: { accountId: 'acct-1' } } },
        NOW + 600,
      );
      await store.models.upsert(
        'Interaction',
        'i2',
        { result: { gatehouse_second_factor: { accountId: 'acct-1' } } },
        NOW + 600,
      );
      expect(await store.models.revokeByAccountId('acct-1', 'second_factor_locked', NOW)).toBe(5);
      for (const [model, id] of [
        ['Session', 'session-sid-1'],
        ['Grant', 'grant-sid-1'],
        ['RefreshToken', 'refresh-sid-1'],
        ['Interaction', 'i1'],
        ['Interaction', 'i2'],
      ] as const) {
        expect(await store.models.find(model, id, NOW)).toBeUndefined();
      }
      expect(await store.models.find('Session', 'session-sid-2', NOW)).toBeDefined();
      expect(await store.outbox.pending()).toBe(1);
      const [notice] = await store.outbox.claimDue(NOW, 60, 10);
      expect(notice).toMatchObject({
        clientId: 'app',
        sub: 'acct-1',
        sid: 'sid-1',
        reason: 'second_factor_locked',
      });
    });

    it('leases due notices: claimed once until the lease ends, retried later, removed when delivered', async () => {
      for (const sid of ['s1', 's2', 's3']) await signedInSession(store, `acct-${sid}`, sid);
      for (const sid of ['s1', 's2', 's3'])
        await store.models.revokeByAccountId(`acct-${sid}`, 'user_removed', NOW);
      const first = await store.outbox.claimDue(NOW, 60, 2);
      expect(first.map((notice) => notice.sid)).toEqual(['s1', 's2']);
      expect((await store.outbox.claimDue(NOW, 60, 10)).map((notice) => notice.sid)).toEqual(['s3']);
      expect(await store.outbox.claimDue(NOW + 59, 60, 10)).toEqual([]);
      const [a, b] = first;
      await store.outbox.remove(Number(a?.id));
      await store.outbox.retryAt(Number(b?.id), 1, NOW + 5);
      expect(await store.outbox.claimDue(NOW + 4, 60, 10)).toEqual([]);
      expect(await store.outbox.claimDue(NOW + 5, 60, 10)).toMatchObject([{ sid: 's2', attempts: 1 }]);
      expect(await store.outbox.pending()).toBe(2);
    });

    it('never gives one notice to two processes claiming at once', async () => {
      for (let i = 0; i < 20; i++) await signedInSession(store, `acct-${i}`, `s${i}`);
      for (let i = 0; i < 20; i++) await store.models.revokeByAccountId(`acct-${i}`, 'user_removed', NOW);
      const stores = [store, await subject.another(), await subject.another()];
      const claimed = (
        await Promise.all(
          Array.from({ length: 9 }, (_, i) => stores[i % stores.length]?.outbox.claimDue(NOW, 60, 3) ?? []),
        )
      ).flat();
      const ids = claimed.map((notice) => notice.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThan(0);
    });
  });
}
