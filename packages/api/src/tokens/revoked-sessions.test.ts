import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiDatabaseFile, SqliteApiStore } from '../store/sqlite-api-store.js';
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
      createdAt: now,
      absoluteExpiresAt: now + 1e9,
      revokedAt: null,
    };
    await server.createSession({ ...session, id: 'old' }, 'hash-old', now + 1e6);
    await server.createSession({ ...session, id: 'live' }, 'hash-live', now + 1e6);
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
});
