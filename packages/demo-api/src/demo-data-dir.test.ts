import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResourceServer, loadApiConfig } from '@gatehouse/api';
import { captureLogs, MisbehavingProvider, spaSignIn } from '@gatehouse/api/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactsDatabaseFile, legacyContactsFile } from './contacts/sqlite-contacts-store.js';
import { startTestDemo } from './testing/start-test-demo.js';

/** Every path under `dir` with its permission bits, folders included. */
function modes(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    found.set(path.slice(dir.length + 1), statSync(path).mode & 0o777);
  }
  return found;
}

describe("the demo's data in DATA_DIR", () => {
  let op: MisbehavingProvider;
  let previousUmask: number;
  const dirs: string[] = [];

  beforeAll(async () => {
    previousUmask = process.umask(0o022);
    op = await MisbehavingProvider.start();
  });
  afterAll(async () => {
    process.umask(previousUmask);
    await op?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps contacts in DATA_DIR/demo, every file 0600 and every folder 0700, -wal and -shm included', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-demo-modes-'));
    dirs.push(dataDir);
    const t = await startTestDemo({ issuer: op.issuer, dataDir });
    try {
      const { accessToken } = await spaSignIn(t, (loginUrl) => op.authorize(loginUrl));
      const created = await t.request('/api/contacts', {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ada' }),
      });
      expect(created.status).toBe(201);
      const found = modes(dataDir);
      for (const file of ['contacts.sqlite', 'contacts.sqlite-wal', 'contacts.sqlite-shm']) {
        expect(found.has(join('demo', file)), file).toBe(true);
      }
      for (const [path, mode] of found) {
        const isDir = statSync(join(dataDir, path)).isDirectory();
        expect(mode.toString(8), path).toBe(isDir ? '700' : '600');
      }
    } finally {
      await t.close();
    }
  });

  it('takes over, once, the contacts an earlier version kept in the API database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-demo-upgrade-'));
    dirs.push(dataDir);
    // What the API's database held before the demo had one of its own: its contacts table, a contact in it.
    const core = await createResourceServer({
      config: loadApiConfig({ OIDC_ISSUER: op.issuer, OIDC_CLIENT_SECRET: 'x', DATA_DIR: dataDir }),
      logger: captureLogs().logger,
    });
    await core.close();
    const before = new Database(legacyContactsFile(dataDir));
    before
      .prepare(
        `INSERT INTO contacts (id, owner, name, email, phone, notes, created_at, updated_at)
         VALUES ('c1', 'user-1', 'Kept Kim', NULL, NULL, 'from before', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
      )
      .run();
    before.close();
    const t = await startTestDemo({ issuer: op.issuer, dataDir });
    try {
      const { accessToken } = await spaSignIn(t, (loginUrl) => op.authorize(loginUrl));
      const list = await t.request('/api/contacts', { headers: { authorization: `Bearer ${accessToken}` } });
      expect(((await list.json()) as { contacts: { name: string; notes: string }[] }).contacts).toEqual([
        expect.objectContaining({ id: 'c1', name: 'Kept Kim', notes: 'from before' }),
      ]);
    } finally {
      await t.close();
    }
    expect(statSync(contactsDatabaseFile(dataDir)).isFile()).toBe(true);
  });
});
