import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@gatehouse/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addClient } from '../../clients/client-admin.js';
import { loadAuthServerConfig } from '../../config/load-auth-server-config.js';
import { rotateSigningKeys } from '../../keys/signing-keys.js';
import { startAuthServer } from '../../server/start-auth-server.js';
import { TestBrowser } from '../../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../../testing/sign-in.js';
import { REDIRECT_URI, TEST_SECRET } from '../../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../../testing/token-request.js';
import { addUser, setUserPassword } from '../../users/user-admin.js';
import { openAuthStore } from './open-auth-store.js';

const PASSWORD = 'correct horse battery staple';

/** Every file and folder under `dir` (itself included) whose mode is not 0600 (files) or 0700 (folders). */
function looseModes(dir: string): string[] {
  const loose: string[] = [];
  const visit = (path: string, depth: number) => {
    const stat = statSync(path);
    const mode = stat.mode & 0o777;
    if (stat.isDirectory()) {
      if (mode !== 0o700) loose.push(`${path} ${mode.toString(8)}`);
      if (depth < 8) for (const name of readdirSync(path)) visit(join(path, name), depth + 1);
    } else if (mode !== 0o600) loose.push(`${path} ${mode.toString(8)}`);
  };
  visit(dir, 0);
  return loose;
}

// docs/security.md (issue 16 item 7): everything the auth server keeps in DATA_DIR is its owner's alone, checked
// after real use: the server and the CLI's connections come and go, so SQLite creates -wal and -shm anew long
// after the first open. Run with umask 0, so that nothing passes by the umask's grace.
describe('file modes in DATA_DIR after real use', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-modes-'));
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps every file 0600 and every folder 0700 through sign-ins, CLI commands and restarts', async () => {
    const dataDir = join(root, 'data');
    const cli = openAuthStore(dataDir);
    await addUser(cli, { username: 'bob', email: 'bob@example.com', password: PASSWORD });
    await addClient(cli, {
      clientId: 'first-party',
      secret: TEST_SECRET,
      redirectUris: [REDIRECT_URI],
      firstParty: true,
    });
    await cli.close();

    const server = await startAuthServer({
      config: loadAuthServerConfig({ AUTH_PORT: '0', DATA_DIR: dataDir }),
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    try {
      const { verifier, challenge } = pkcePair();
      const callback = await signIn(
        new TestBrowser(),
        authorizeUrl(server.issuer, 'first-party', challenge),
        server.issuer,
        {
          username: 'bob',
          password: PASSWORD,
        },
      );
      expect(
        (await tokenRequest(server.issuer, codeGrant(String(callback.searchParams.get('code')), verifier)))
          .status,
      ).toBe(200);
      // A CLI command while the server runs: a second connection, writing.
      const admin = openAuthStore(dataDir);
      await setUserPassword(admin, 'bob', `${PASSWORD} 2`);
      await rotateSigningKeys(admin, Math.floor(Date.now() / 1000), 'ES256');
      await admin.close();
      expect(readdirSync(join(dataDir, 'auth-server'))).toEqual(
        expect.arrayContaining(['auth.sqlite', 'auth.sqlite-wal', 'auth.sqlite-shm', 'secrets.key']),
      );
      expect(looseModes(dataDir)).toEqual([]);
    } finally {
      await server.close();
    }

    // The last connection closed: SQLite removed -wal and -shm. A later command creates them again.
    const later = openAuthStore(dataDir);
    await addUser(later, { username: 'carol', email: 'carol@example.com', password: PASSWORD });
    expect(readdirSync(join(dataDir, 'auth-server'))).toContain('auth.sqlite-wal');
    expect(looseModes(dataDir)).toEqual([]);
    await later.close();
  });

  it('tightens a DATA_DIR left readable by others (a restored backup, an older version)', async () => {
    const dataDir = join(root, 'restored');
    mkdirSync(join(dataDir, 'auth-server'), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'auth-server', 'auth.sqlite'), '', { mode: 0o644 });
    const store = openAuthStore(dataDir);
    expect(looseModes(dataDir)).toEqual([]);
    await store.close();
  });
});
