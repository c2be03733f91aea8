import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, SealedBox } from '@gatehouse/common';
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
    expect(await store.authenticators.totpSecret(created.id)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');

    await reopenWithAnotherKey();
    const user = await store.users.findById(created.id);
    expect(user?.email).toBe('ada@example.test');
    expect(await store.authenticators.summary(created.id)).toMatchObject({ totp: true });
    await expect(store.authenticators.totpSecret(created.id)).rejects.toThrow(/could not be opened/);
  });

  // Issue 14: the TOTP secret moved from the user row to the authenticators' table, still sealed for its user.
  it('moves a TOTP secret sealed on the user row of an older version to the authenticators, readable', async () => {
    await store.close();
    const file = join(dir, 'auth-server', 'auth.sqlite');
    rmSync(file);
    const before = MIGRATIONS.findIndex(
      (step) => typeof step === 'string' && step.includes('totp_authenticators'),
    );
    const old = openDatabase(file, MIGRATIONS.slice(0, before));
    const box = new SealedBox(readFileSync(join(dir, 'auth-server', 'secrets.key')));
    old
      .prepare(
        `INSERT INTO users (id, username, email, password_hash, totp_secret_sealed, totp_last_step, created_at)
         VALUES ('u-1', 'ada', 'ada@example.test', 'x', ?, 1000, 1), ('u-2', 'bob', 'bob@example.test', 'x', NULL, NULL, 1)`,
      )
      .run(box.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'totp:u-1'));
    old.close();

    store = openAuthStore(dir);
    expect(await store.authenticators.totpSecret('u-1')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(await store.authenticators.totpSecret('u-2')).toBeNull();
    // The last accepted step came along: a code of step 1000 or before is still refused.
    expect(await store.authenticators.acceptTotpStep('u-1', 1000)).toBe(false);
    expect(await store.authenticators.acceptTotpStep('u-1', 1001)).toBe(true);
    const columns = openDatabase(file, MIGRATIONS)
      .prepare<[], { name: string }>('PRAGMA table_info(users)')
      .all();
    expect(columns.map((column) => column.name)).not.toContain('totp_secret_sealed');
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
        `UPDATE totp_authenticators SET secret_sealed = (SELECT secret_sealed FROM totp_authenticators
           WHERE user_id = (SELECT id FROM users WHERE username = 'ada')) WHERE user_id = ?`,
      ).run(grace.id);
    } finally {
      db.close();
    }
    // Sealed for `totp:<ada's id>`: under grace's id it must not open, or whoever can write one column could
    // give grace ada's second factor.
    expect((await store.users.findById(grace.id))?.email).toBe('grace@example.test');
    await expect(store.authenticators.totpSecret(grace.id)).rejects.toThrow(/could not be opened/);
  });
});
