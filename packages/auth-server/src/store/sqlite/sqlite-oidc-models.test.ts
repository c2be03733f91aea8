import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../../oidc/create-adapter.js';
import type { AuthStore } from '../auth-store.js';
import { openAuthStore } from './open-auth-store.js';

describe('oidc-provider adapter over SQLite', () => {
  let dir: string;
  let store: AuthStore;
  let now = 1_800_000_000;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-adapter-'));
    store = openAuthStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores, finds by id/uid/user code, consumes, destroys, revokes by grant and expires', async () => {
    const Adapter = createAdapter(store, () => now, 'http://localhost:4000', Error);
    const codes = new Adapter('AuthorizationCode');
    const tokens = new Adapter('AccessToken');
    await codes.upsert('c1', { grantId: 'g1', uid: 'u1', userCode: 'UC-1', accountId: 'a' }, 60);
    await tokens.upsert('t1', { grantId: 'g1', accountId: 'a' }, 600);
    await tokens.upsert('t2', { grantId: 'g2', accountId: 'a' }, 600);
    expect(await codes.find('c1')).toMatchObject({ grantId: 'g1' });
    expect(await codes.findByUid('u1')).toMatchObject({ grantId: 'g1' });
    expect(await codes.findByUserCode('UC-1')).toMatchObject({ grantId: 'g1' });
    expect(await tokens.find('c1')).toBeUndefined();

    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toBe(now);

    await tokens.revokeByGrantId('g1');
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await tokens.find('t2')).toBeDefined();
    expect(await codes.find('c1')).toBeDefined();

    now += 61;
    expect(await codes.find('c1')).toBeUndefined();
    expect(await store.models.sweepExpired(now)).toBe(1);

    await tokens.destroy('t2');
    expect(await tokens.find('t2')).toBeUndefined();
  });

  it('reads clients from the clients table and never writes them', async () => {
    await store.clients.put({
      clientId: 'app',
      secret: 'secret-secret-secret-secret-secret-00',
      redirectUris: ['https://app.example/cb'],
      postLogoutRedirectUris: [],
      backchannelLogoutUri: 'https://app.example/bcl',
      authMethod: 'client_secret_basic',
      jwksUri: null,
      firstParty: false,
    });
    const clients = new (createAdapter(store, () => now, 'http://localhost:4000', Error))('Client');
    expect(await clients.find('app')).toMatchObject({
      client_id: 'app',
      client_secret: 'secret-secret-secret-secret-secret-00',
      redirect_uris: ['https://app.example/cb'],
      response_types: ['code'],
      backchannel_logout_uri: 'https://app.example/bcl',
    });
    await expect(clients.upsert('x', {})).rejects.toThrow();
  });
});
