import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@gatehouse/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../keys/generate-signing-key.js';
import type { AuthStore } from '../auth-store.js';
import { MIGRATIONS } from './migrations.js';
import { openAuthStore } from './open-auth-store.js';

// Sealed columns are opened only where a caller needs the secret. Each test seals with one key, then reopens
// the store with another: whatever still works did not open anything.
describe('sealed columns are opened on demand', () => {
  let dir: string;
  let store: AuthStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-sealed-'));
    store = openAuthStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function reopenWithAnotherKey(): Promise<void> {
    await store.close();
    writeFileSync(join(dir, 'auth-server', 'secrets.key'), randomBytes(32));
    store = openAuthStore(dir);
  }

  it('looks a user up without opening the TOTP secret, and opens it when read', async () => {
    const created = await store.users.create({
      username: 'ada',
      email: 'ada@example.test',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    });
    expect((await store.users.findById(created.id))?.totpSecret).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');

    await reopenWithAnotherKey();
    const user = await store.users.findById(created.id);
    expect(user?.email).toBe('ada@example.test');
    expect(() => user?.totpSecret).toThrow(/could not be opened/);
  });

  it('lists signing key ids without opening the private keys', async () => {
    const key = generateSigningKey('ES256');
    await store.keys.addActive({ ...key, alg: 'ES256', createdAt: 1_800_000_000 });
    expect(await store.keys.kids()).toEqual([key.kid]);

    await reopenWithAnotherKey();
    expect(await store.keys.kids()).toEqual([key.kid]);
    await expect(store.keys.list()).rejects.toThrow(/could not be opened/);
  });

  it('sees a changed client secret at once although opened secrets are kept', async () => {
    const client = {
      clientId: 'api',
      redirectUris: ['http://localhost:3001/callback'],
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
      authMethod: 'client_secret_basic' as const,
      jwksUri: null,
      firstParty: true,
    };
    await store.clients.put({ ...client, secret: 'first-secret-0123456789abcdef0123' });
    expect((await store.clients.find('api'))?.secret).toBe('first-secret-0123456789abcdef0123');
    await store.clients.put({ ...client, secret: 'second-secret-0123456789abcdef012' });
    expect((await store.clients.find('api'))?.secret).toBe('second-secret-0123456789abcdef012');
  });

  it('refuses one client’s sealed secret copied into another client’s row, even once opened', async () => {
    const client = (clientId: string, secret: string) => ({
      clientId,
      secret,
      redirectUris: [`http://localhost:3001/${clientId}`],
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
      authMethod: 'client_secret_basic' as const,
      jwksUri: null,
      firstParty: false,
    });
    await store.clients.put(client('a', 'secret-of-a-0123456789abcdef01234'));
    await store.clients.put(client('b', 'secret-of-b-0123456789abcdef01234'));
    expect((await store.clients.find('a'))?.secret).toBe('secret-of-a-0123456789abcdef01234');

    const db = openDatabase(join(dir, 'auth-server', 'auth.sqlite'), MIGRATIONS);
    try {
      db.prepare(
        "UPDATE clients SET secret_sealed = (SELECT secret_sealed FROM clients WHERE client_id = 'a') WHERE client_id = 'b'",
      ).run();
    } finally {
      db.close();
    }
    await expect(store.clients.find('b')).rejects.toThrow(/could not be opened/);
  });

  it('refuses one user’s sealed TOTP secret copied into another user’s row', async () => {
    const user = (username: string, totpSecret: string) => ({
      username,
      email: `${username}@example.test`,
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      totpSecret,
    });
    await store.users.create(user('ada', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'));
    const grace = await store.users.create(user('grace', 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU'));

    const db = openDatabase(join(dir, 'auth-server', 'auth.sqlite'), MIGRATIONS);
    try {
      db.prepare(
        "UPDATE users SET totp_secret_sealed = (SELECT totp_secret_sealed FROM users WHERE username = 'ada') WHERE username = 'grace'",
      ).run();
    } finally {
      db.close();
    }
    // Sealed for `totp:<ada's id>`: under grace's id it must not open, or whoever can write one column could
    // give grace ada's second factor.
    const moved = await store.users.findById(grace.id);
    expect(moved?.email).toBe('grace@example.test');
    expect(() => moved?.totpSecret).toThrow(/could not be opened/);
  });
});
