import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory, StoreUnderTest } from '../../testing/store-backends.js';
import type { AuthStore, ClientInput } from '../auth-store.js';

const NOW = 1_800_000_000;

const CLIENT: ClientInput = {
  clientId: 'app',
  name: 'App',
  secret: 'app-secret-app-secret-app-secret-00',
  redirectUris: ['https://app.example/cb', 'https://app.example/cb2'],
  postLogoutRedirectUris: ['https://app.example/'],
  backchannelLogoutUri: 'https://app.example/bcl',
  authMethod: 'client_secret_post',
  jwksUri: null,
  firstParty: true,
};

/** The contract of {@link AuthStore.clients}, {@link AuthStore.keys} and {@link AuthStore.secrets}, for every backend. */
export function runClientKeySecretStoreTests(backend: string, newStore: StoreFactory): void {
  describe(`client, signing key and secret stores (${backend})`, () => {
    let subject: StoreUnderTest;
    let store: AuthStore;
    let now = NOW;
    beforeEach(async () => {
      now = NOW;
      subject = await newStore(() => now);
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    it('puts, finds, lists, replaces (keeping createdAt) and removes clients, secrets opened', async () => {
      expect(await store.clients.put(CLIENT)).toEqual({ ...CLIENT, createdAt: NOW });
      await store.clients.put({
        ...CLIENT,
        clientId: 'Zed',
        name: undefined,
        secret: null,
        authMethod: 'private_key_jwt',
        jwksUri: 'https://zed.example/jwks',
      });
      now += 100;
      const replaced = await store.clients.put({
        ...CLIENT,
        secret: 'a-new-secret-a-new-secret-a-new-secret',
        redirectUris: ['https://app.example/new'],
      });
      expect(replaced).toMatchObject({
        secret: 'a-new-secret-a-new-secret-a-new-secret',
        redirectUris: ['https://app.example/new'],
        createdAt: NOW,
      });
      expect(await (await subject.another()).clients.find('app')).toEqual(replaced);
      expect(await store.clients.find('Zed')).toMatchObject({
        name: null,
        secret: null,
        jwksUri: 'https://zed.example/jwks',
      });
      expect((await store.clients.list()).map((client) => client.clientId)).toEqual(['Zed', 'app']);
      expect(await store.clients.remove('app')).toBe(true);
      expect(await store.clients.remove('app')).toBe(false);
      expect(await store.clients.find('app')).toBeUndefined();
    });

    it('keeps signing keys newest first, retires the older active key of the same algorithm, removes', async () => {
      await store.keys.addActive({
        kid: 'k1',
        alg: 'RS256',
        privateJwk: { kty: 'RSA', d: 'one' },
        createdAt: NOW,
      });
      await store.keys.addActive({
        kid: 'e1',
        alg: 'ES256',
        privateJwk: { kty: 'EC', d: 'two' },
        createdAt: NOW,
      });
      await store.keys.addActive({
        kid: 'k2',
        alg: 'RS256',
        privateJwk: { kty: 'RSA', d: 'three' },
        createdAt: NOW + 10,
      });
      const keys = await (await subject.another()).keys.list();
      expect(keys.map((key) => [key.kid, key.retiredAt])).toEqual([
        ['k2', null],
        ['e1', null],
        ['k1', NOW + 10],
      ]);
      expect(keys[0]?.privateJwk).toEqual({ kty: 'RSA', d: 'three' });
      expect((await store.keys.kids()).sort()).toEqual(['e1', 'k1', 'k2']);
      expect(await store.keys.remove('k1')).toBe(true);
      expect(await store.keys.remove('k1')).toBe(false);
    });

    it('adds a first key per algorithm once, however many processes try at once', async () => {
      const stores = [store, await subject.another(), await subject.another()];
      const added = await Promise.all(
        stores.map((each, i) =>
          each.keys.addFirst({
            kid: `first-${i}`,
            alg: 'RS256',
            privateJwk: { kty: 'RSA', d: `${i}` },
            createdAt: NOW,
          }),
        ),
      );
      expect(added.filter(Boolean)).toHaveLength(1);
      expect(await store.keys.kids()).toHaveLength(1);
      expect(
        await store.keys.addFirst({
          kid: 'e',
          alg: 'ES256',
          privateJwk: { kty: 'EC', d: 'e' },
          createdAt: NOW,
        }),
      ).toBe(true);
    });

    it('creates a named secret once: processes asking at once all get the first one stored', async () => {
      const stores = [store, await subject.another(), await subject.another()];
      let made = 0;
      const values = await Promise.all(
        stores.map((each) => each.secrets.getOrCreate('cookie-key', () => `value-${++made}`)),
      );
      expect(new Set(values).size).toBe(1);
      expect(await store.secrets.getOrCreate('cookie-key', () => 'never')).toBe(values[0]);
      expect(await store.secrets.getOrCreate('other', () => 'other-value')).toBe('other-value');
    });
  });
}
