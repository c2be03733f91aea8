import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@gatehouse/common';
import { afterAll, describe, expect, it } from 'vitest';
import { API_MIGRATIONS, apiDatabaseFile, SqliteApiStore } from '../store/sqlite/sqlite-api-store.js';
import { RevokedSessions } from './revoked-sessions.js';

describe('RevokedSessions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-revoked-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('picks up revocations made by another process through the store poll', async () => {
    const server = new SqliteApiStore(apiDatabaseFile(dir));
    const other = new SqliteApiStore(apiDatabaseFile(dir)); // e.g. the CLI or a second instance
    const now = 1_800_000_000_000;
    const session = {
      sub: 'alice',
      providerSid: 'p1',
      idTokenSealed: null,
      scope: null,
      createdAt: now,
      absoluteExpiresAt: now + 1e9,
      revokedAt: null,
    };
    await server.createSession({ ...session, id: 'old' }, now + 1e6);
    await server.createSession({ ...session, id: 'live' }, now + 1e6);
    await server.revokeSession('old', 'logout', now - 2_000_000);

    const revoked = new RevokedSessions(960_000);
    await revoked.poll(server, now);
    // Revoked longer ago than any access token lives: no need to remember it.
    expect(revoked.has('old')).toBe(false);
    expect(revoked.has('live')).toBe(false);

    await other.revokeProviderSessions({ providerSid: 'p1' }, now + 1000);
    await revoked.poll(server, now + 2000);
    expect(revoked.has('live')).toBe(true);
    await server.close();
    await other.close();
  });

  it('picks up a revocation committed after a poll that already looked past its timestamp (lock wait)', async () => {
    const server = new SqliteApiStore(apiDatabaseFile(dir));
    const other = new SqliteApiStore(apiDatabaseFile(dir));
    const now = 1_900_000_000_000;
    await server.createSession(
      {
        id: 'late',
        sub: 'bob',
        providerSid: 'p2',
        idTokenSealed: null,
        scope: null,
        createdAt: now,
        absoluteExpiresAt: now + 1e9,
        revokedAt: null,
      },
      now + 1e6,
    );
    const revoked = new RevokedSessions(960_000);
    await revoked.poll(server, now + 4000);
    // The revoker read its clock at `now`, then its write waited 4 s and more on the SQLite lock
    // (busy_timeout 5000): it commits after the poll above, stamped before it.
    await other.revokeSession('late', 'logout', now);
    await revoked.poll(server, now + 6000);
    expect(revoked.has('late')).toBe(true);
    await server.close();
    await other.close();
  });

  it('keeps revocations made before the upgrade that numbers them', async () => {
    const file = join(mkdtempSync(join(dir, 'upgrade-')), 'api.sqlite');
    const now = 2_000_000_000_000;
    const before = openDatabase(file, API_MIGRATIONS.slice(0, 1));
    before
      .prepare(
        `INSERT INTO sessions (id, sub, created_at, absolute_expires_at, revoked_at, revoked_reason)
         VALUES ('before-upgrade', 'carol', ?, ?, ?, 'logout')`,
      )
      .run(now - 60_000, now + 1e9, now - 30_000);
    before.close();
    const store = new SqliteApiStore(file);
    const revoked = new RevokedSessions(960_000);
    await revoked.poll(store, now);
    expect(revoked.has('before-upgrade')).toBe(true);
    await store.close();
  });
});
