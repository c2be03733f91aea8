import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@gatehouse/common';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiSession } from '../api-store.js';
import { API_MIGRATIONS, SqliteApiStore } from './sqlite-api-store.js';

// The store's half of refresh rotation (RFC 9700 4.14.2): one generation per session, on a real SQLite file.
describe('SqliteApiStore refresh generations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-generations-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const now = 2_000_000_000_000;
  const session = (id: string): ApiSession => ({
    id,
    sub: 'dana',
    providerSid: null,
    idTokenSealed: null,
    scope: null,
    createdAt: now,
    absoluteExpiresAt: now + 7 * 86_400_000,
    revokedAt: null,
  });
  const open = () => new SqliteApiStore(join(mkdtempSync(join(dir, 'store-')), 'api.sqlite'));

  it('moves the current generation on, knows every earlier one as reused, and no later one', async () => {
    const store = open();
    await store.createSession(session('s1'), now + 86_400_000);
    const first = await store.rotateRefreshToken('s1', 0, now + 1, now + 2 * 86_400_000);
    expect(first).toMatchObject({ status: 'ok', generation: 1 });
    expect(await store.rotateRefreshToken('s1', 1, now + 2, now + 2 * 86_400_000)).toMatchObject({
      status: 'ok',
      generation: 2,
    });
    expect(await store.findSessionByRefresh('s1', 0)).toMatchObject({ spent: true });
    expect(await store.findSessionByRefresh('s1', 2)).toMatchObject({ spent: false });
    expect(await store.findSessionByRefresh('s1', 3)).toBeUndefined();
    expect(await store.rotateRefreshToken('s1', 7, now + 3, now + 86_400_000)).toEqual({
      status: 'not_found',
    });
    expect(await store.rotateRefreshToken('nope', 0, now + 3, now + 86_400_000)).toEqual({
      status: 'not_found',
    });
    // Generation 0, rotated away twice: the session ends, the current generation with it.
    expect(await store.rotateRefreshToken('s1', 0, now + 4, now + 86_400_000)).toEqual({
      status: 'reused',
      sessionId: 's1',
    });
    expect(await store.rotateRefreshToken('s1', 2, now + 5, now + 86_400_000)).toEqual({ status: 'revoked' });
    await store.close();
  });

  it('ends a session nobody refreshed for its idle lifetime, and the sweep removes it a day later', async () => {
    const store = open();
    await store.createSession(session('idle'), now + 86_400_000);
    expect(await store.rotateRefreshToken('idle', 0, now + 86_400_000, now + 2 * 86_400_000)).toEqual({
      status: 'expired',
    });
    await store.sweep(now + 2 * 86_400_000 - 1);
    expect(await store.findSessionByRefresh('idle', 0)).toBeDefined();
    await store.sweep(now + 2 * 86_400_000 + 1);
    expect(await store.findSessionByRefresh('idle', 0)).toBeUndefined();
    await store.close();
  });

  it('ends the sessions of the per-token schema on upgrade, and drops that table', async () => {
    const file = join(mkdtempSync(join(dir, 'upgrade-')), 'api.sqlite');
    const before = openDatabase(file, API_MIGRATIONS.slice(0, 2));
    before
      .prepare("INSERT INTO sessions (id, sub, created_at, absolute_expires_at) VALUES ('old', 'erin', ?, ?)")
      .run(now, now + 1e9);
    before
      .prepare(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at, idle_expires_at) VALUES ('h', 'old', ?, ?)",
      )
      .run(now, now + 1e9);
    before.close();
    const store = new SqliteApiStore(file);
    expect(await store.rotateRefreshToken('old', 0, now + 1, now + 86_400_000)).toEqual({
      status: 'expired',
    });
    await store.close();
    const after = openDatabase(file, API_MIGRATIONS);
    expect(
      after.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'refresh_tokens'").get(),
    ).toEqual({ n: 0 });
    after.close();
  });
});
