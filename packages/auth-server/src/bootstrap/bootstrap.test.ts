import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthStore } from '../store/auth-store.js';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';
import { isValidTotpSecret } from '../totp/totp.js';
import { ensureApiClient } from './ensure-api-client.js';
import { seedDemoUsers } from './seed-demo-users.js';

describe('first-start bootstrap', () => {
  let dir: string;
  let store: AuthStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-bootstrap-'));
    store = openAuthStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the API's first-party client once, keeps its secret, follows PUBLIC_URL", async () => {
    const first = await ensureApiClient(store, {
      clientId: 'gatehouse-api',
      publicUrl: 'http://localhost:3001',
    });
    expect(first.created).toBe(true);
    expect(Buffer.from(first.clientSecret, 'base64url')).toHaveLength(32);
    expect(await store.clients.find('gatehouse-api')).toMatchObject({
      name: 'Gatehouse demo',
      firstParty: true,
      authMethod: 'client_secret_basic',
      redirectUris: ['http://localhost:3001/callback', 'http://localhost:3001/authorization-code/callback'],
      postLogoutRedirectUris: ['http://localhost:3001/'],
      backchannelLogoutUri: 'http://localhost:3001/api/backchannel-logout',
    });

    const again = await ensureApiClient(store, {
      clientId: 'gatehouse-api',
      publicUrl: 'http://localhost:3001/',
    });
    expect(again).toEqual({ ...first, created: false });

    const moved = await ensureApiClient(store, {
      clientId: 'gatehouse-api',
      publicUrl: 'https://app.example',
    });
    expect(moved.clientSecret).toBe(first.clientSecret);
    expect((await store.clients.find('gatehouse-api'))?.redirectUris).toEqual([
      'https://app.example/callback',
      'https://app.example/authorization-code/callback',
    ]);

    const fixed = await ensureApiClient(store, {
      clientId: 'gatehouse-api',
      publicUrl: 'https://app.example',
      secret: 'a-secret-from-the-environment-0123456789',
    });
    expect(fixed.clientSecret).toBe('a-secret-from-the-environment-0123456789');
  });

  it('names a client created before display names existed at the next start', async () => {
    await store.clients.put({
      clientId: 'gatehouse-api',
      secret: 'a-secret-from-the-environment-0123456789',
      redirectUris: ['http://localhost:3001/callback', 'http://localhost:3001/authorization-code/callback'],
      postLogoutRedirectUris: ['http://localhost:3001/'],
      backchannelLogoutUri: 'http://localhost:3001/api/backchannel-logout',
      authMethod: 'client_secret_basic',
      jwksUri: null,
      firstParty: true,
    });
    await ensureApiClient(store, { clientId: 'gatehouse-api', publicUrl: 'http://localhost:3001' });
    expect((await store.clients.find('gatehouse-api'))?.name).toBe('Gatehouse demo');
  });

  it('seeds alice (password + TOTP) and bob (password) only into an empty user table', async () => {
    const seeded = await seedDemoUsers(store);
    expect(seeded?.users.map((user) => user.username)).toEqual(['alice', 'bob']);
    const [alice, bob] = seeded?.users ?? [];
    expect(alice?.password.length).toBeGreaterThanOrEqual(20);
    expect(alice?.password).not.toBe(bob?.password);
    expect(isValidTotpSecret(alice?.totpSecret ?? '')).toBe(true);
    expect(alice?.otpauthUri).toMatch(/^otpauth:\/\/totp\/Gatehouse:alice\?/);
    expect(bob?.totpSecret).toBeUndefined();
    const stored = await store.users.findByUsername('alice');
    expect(await store.authenticators.totpSecret(String(stored?.id))).toBe(alice?.totpSecret);
    expect(await seedDemoUsers(store)).toBeNull();
  });

  it('keeps secrets sealed at rest (no plaintext TOTP or client secret in the database file)', async () => {
    const seeded = await seedDemoUsers(store);
    const client = await ensureApiClient(store, {
      clientId: 'gatehouse-api',
      publicUrl: 'http://localhost:3001',
    });
    await store.close();
    const { readFileSync, readdirSync } = await import('node:fs');
    const files = readdirSync(join(dir, 'auth-server')).filter((name) => name.startsWith('auth.sqlite'));
    const bytes = Buffer.concat(files.map((name) => readFileSync(join(dir, 'auth-server', name))));
    expect(bytes.includes(Buffer.from(String(seeded?.users[0]?.totpSecret)))).toBe(false);
    expect(bytes.includes(Buffer.from(client.clientSecret))).toBe(false);
    store = openAuthStore(dir);
  });
});
