import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory, StoreUnderTest } from '../../testing/store-backends.js';
import type { AuthStore } from '../auth-store.js';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
const NOW = 1_800_000_000;

/**
 * Puts a signed-in session of `accountId` at client `clientId` (registered with a back-channel logout URI), with
 * a grant and a refresh token, as oidc-provider writes them.
 */
export async function signedInSession(store: AuthStore, accountId: string, sid: string): Promise<void> {
  await store.clients.put({
    clientId: 'app',
    secret: 'app-secret-app-secret-app-secret-00',
    redirectUris: ['https://app.example/cb'],
    postLogoutRedirectUris: [],
    backchannelLogoutUri: 'https://app.example/bcl',
    authMethod: 'client_secret_basic',
    jwksUri: null,
    firstParty: false,
  });
  await store.models.upsert(
    'Session',
    `session-${sid}`,
    { accountId, uid: `uid-${sid}`, authorizations: { app: { sid, grantId: `grant-${sid}` } } },
    NOW + 3600,
  );
  await store.models.upsert('Grant', `grant-${sid}`, { accountId, clientId: 'app' }, NOW + 3600);
  await store.models.upsert(
    'RefreshToken',
    `refresh-${sid}`,
    { accountId, grantId: `grant-${sid}` },
    NOW + 3600,
  );
}

/** The contract of {@link AuthStore.users}, for every backend: `newStore` opens an empty store. */
export function runUserStoreTests(backend: string, newStore: StoreFactory): void {
  describe(`user store (${backend})`, () => {
    let subject: StoreUnderTest;
    let store: AuthStore;
    beforeEach(async () => {
      subject = await newStore(() => NOW);
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    it('creates users with a random id, finds, lists in username order and counts them', async () => {
      const bea = await store.users.create({
        username: 'bea',
        email: 'bea@example.test',
        passwordHash: HASH,
        roles: ['admin', 'editor'],
      });
      const ada = await store.users.create({
        username: 'ada',
        email: 'ada@example.test',
        emailVerified: true,
        name: 'Ada',
        passwordHash: HASH,
      });
      expect(ada).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: 'ada',
        email: 'ada@example.test',
        emailVerified: true,
        name: 'Ada',
        passwordHash: HASH,
        disabled: false,
        roles: [],
        createdAt: NOW,
      });
      expect(bea.id).not.toBe(ada.id);
      expect(await store.users.findByUsername('bea')).toEqual(bea);
      expect(await store.users.findById(ada.id)).toEqual(ada);
      expect(await store.users.findByUsername('nobody')).toBeUndefined();
      expect((await store.users.list()).map((user) => user.username)).toEqual(['ada', 'bea']);
      expect(await store.users.count()).toBe(2);
      await expect(
        store.users.create({ username: 'ada', email: 'x@example.test', passwordHash: HASH }),
      ).rejects.toMatchObject({ code: 'ERR_USER_EXISTS' });
    });

    it('changes password, roles and disabled state; false for an unknown user', async () => {
      const ada = await store.users.create({
        username: 'ada',
        email: 'ada@example.test',
        passwordHash: HASH,
      });
      expect(await store.users.setPasswordHash('ada', `${HASH}2`)).toBe(true);
      expect(await store.users.setRoles('ada', ['viewer'])).toBe(true);
      expect(await store.users.setDisabled('ada', true)).toBe(true);
      expect(await store.users.findById(ada.id)).toMatchObject({
        passwordHash: `${HASH}2`,
        roles: ['viewer'],
        disabled: true,
      });
      expect(await store.users.setDisabled('ada', false)).toBe(true);
      expect((await store.users.findById(ada.id))?.disabled).toBe(false);
      expect(await store.users.setPasswordHash('nobody', HASH)).toBe(false);
      expect(await store.users.setRoles('nobody', [])).toBe(false);
      expect(await store.users.setDisabled('nobody', true)).toBe(false);
      expect(await store.users.remove('nobody')).toBe(false);
    });

    it('ends the account’s sessions with back-channel notices when the password changes, and clears wrong codes', async () => {
      const ada = await store.users.create({
        username: 'ada',
        email: 'ada@example.test',
        passwordHash: HASH,
      });
      await signedInSession(store, ada.id, 'sid-1');
      await store.throttle.recordSecondFactorFailure(ada.id, NOW);
      expect(await store.users.setPasswordHash('ada', `${HASH}2`)).toBe(true);
      expect(await store.models.find('Session', 'session-sid-1', NOW)).toBeUndefined();
      expect(await store.models.find('RefreshToken', 'refresh-sid-1', NOW)).toBeUndefined();
      expect(await store.throttle.secondFactorFailures(ada.id)).toBeUndefined();
      expect(await store.outbox.claimDue(NOW, 60, 10)).toEqual([
        {
          id: expect.any(Number),
          clientId: 'app',
          sub: ada.id,
          sid: 'sid-1',
          reason: 'password_changed',
          attempts: 0,
          createdAt: NOW,
        },
      ]);
    });

    it('ends the sessions of a disabled or removed user, and removing a user frees the username', async () => {
      const ada = await store.users.create({
        username: 'ada',
        email: 'ada@example.test',
        passwordHash: HASH,
      });
      await signedInSession(store, ada.id, 'sid-1');
      expect(await store.users.setDisabled('ada', true)).toBe(true);
      expect(await store.models.find('Session', 'session-sid-1', NOW)).toBeUndefined();
      await signedInSession(store, ada.id, 'sid-2');
      expect(await store.users.remove('ada')).toBe(true);
      expect(await store.models.find('Grant', 'grant-sid-2', NOW)).toBeUndefined();
      expect((await store.outbox.claimDue(NOW, 60, 10)).map((notice) => notice.reason)).toEqual([
        'user_disabled',
        'user_removed',
      ]);
      expect(await store.users.findById(ada.id)).toBeUndefined();
      await store.users.create({ username: 'ada', email: 'ada@example.test', passwordHash: HASH });
      expect(await store.users.count()).toBe(1);
    });

    it('sees a user created by another process at once', async () => {
      const other = await subject.another();
      const ada = await other.users.create({
        username: 'ada',
        email: 'ada@example.test',
        passwordHash: HASH,
      });
      expect(await store.users.findById(ada.id)).toEqual(ada);
    });
  });
}
