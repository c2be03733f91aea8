import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateApiSigningKey } from '../keys/rotate-api-signing-key.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { spaSignIn } from '../testing/spa-sign-in.js';
import { reservePublicUrl, startTestApi } from '../testing/test-api.js';

/** Every path under `dir` with its permission bits, folders included. */
function modes(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    found.set(path.slice(dir.length + 1), statSync(path).mode & 0o777);
  }
  return found;
}

// DATA_DIR holds the database (sessions, users, sealed ID tokens) and the keys: nothing in it for other users.
describe('DATA_DIR after real use', () => {
  let op: MisbehavingProvider;
  let dataDir: string;
  let previousUmask: number;

  beforeAll(async () => {
    // The usual umask, under which SQLite alone would create the database and its -wal/-shm 0644.
    previousUmask = process.umask(0o022);
    op = await MisbehavingProvider.start();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-modes-'));
  });
  afterAll(async () => {
    process.umask(previousUmask);
    await op?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every file 0600 and every folder 0700, -wal and -shm included, even where an older version left 0644', async () => {
    // What an earlier version left behind: the database 0644 in a 0755 folder.
    mkdirSync(join(dataDir, 'api'), { mode: 0o755 });
    chmodSync(join(dataDir, 'api'), 0o755);
    writeFileSync(join(dataDir, 'api', 'api.sqlite'), '', { mode: 0o644 });
    chmodSync(join(dataDir, 'api', 'api.sqlite'), 0o644);

    const t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      dataDir,
      // private_key_jwt: the API's client-assertion key is one more file it creates.
      env: { OIDC_TOKEN_AUTH_METHOD: 'private_key_jwt', OIDC_CLIENT_SECRET: '', RATE_LIMIT_PER_MINUTE: '0' },
    });
    try {
      const { jar } = await spaSignIn(t, (loginUrl) => op.authorize(loginUrl));
      expect((await t.postFromSpa('/api/refresh', jar)).status).toBe(200);
      await rotateApiSigningKey(dataDir);

      // Looked at while the API runs, so the database's -wal and -shm exist.
      const found = modes(dataDir);
      for (const file of [
        'api.sqlite',
        'api.sqlite-wal',
        'api.sqlite-shm',
        'signing-keys.json',
        'sealing.key',
      ]) {
        expect(found.has(join('api', file)), file).toBe(true);
      }
      expect(found.has(join('api', 'client-assertion-key.json'))).toBe(true);
      for (const [path, mode] of found) {
        const isDir = statSync(join(dataDir, path)).isDirectory();
        expect(mode.toString(8), path).toBe(isDir ? '700' : '600');
      }
      expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
    } finally {
      await t.close();
    }
  });
});
