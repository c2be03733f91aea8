import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClient } from '../clients/client-admin.js';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../testing/sign-in.js';
import { REDIRECT_URI, TEST_SECRET } from '../testing/test-auth-server.js';
import { addUser } from '../users/user-admin.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const mainJs = join(root, 'packages/auth-server/dist/main.js');

/** Starts `node dist/main.js` and resolves once it prints its issuer. */
async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; issuer: string }> {
  const child = spawn(process.execPath, [mainJs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const printed = /Gatehouse auth server: (\S+)\n/.exec(output)?.[1];
      if (printed) resolve(printed);
    });
    child.once('exit', (code) => reject(new Error(`auth server exited (${code}): ${output}`)));
  });
  return { child, issuer };
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

// Issue 3: nothing is lost when the process is killed (kill -9) and restarted on the same DATA_DIR.
describe('kill -9 and restart', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/auth-server'],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-restart-'));
    const store = openAuthStore(dataDir);
    await addUser(store, {
      username: 'bob',
      email: 'bob@example.com',
      password: 'correct horse battery staple',
    });
    await addClient(store, {
      clientId: 'first-party',
      secret: TEST_SECRET,
      redirectUris: [REDIRECT_URI],
      firstParty: true,
    });
    await store.close();
  }, 120_000);
  afterAll(async () => {
    if (child) await kill9(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps users, the signed-in session and the signing keys', async () => {
    // Port 0: the server binds a free port itself (probing one first and passing it on raced other processes).
    const first = await startChild({ AUTH_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    child = first.child;
    const issuer = first.issuer;
    const env = { AUTH_PORT: new URL(issuer).port, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const browser = new TestBrowser();
    const callback = await signIn(
      browser,
      authorizeUrl(issuer, 'first-party', pkcePair().challenge),
      issuer,
      {
        username: 'bob',
        password: 'correct horse battery staple',
      },
    );
    expect(callback.searchParams.has('code')).toBe(true);
    const kidsBefore = (
      (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] }
    ).keys.map((key) => key.kid);

    await kill9(child);
    // The same port, so the same issuer: the listening socket is released as soon as the process is gone.
    child = (await startChild(env)).child;

    const kidsAfter = (
      (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] }
    ).keys.map((key) => key.kid);
    expect(kidsAfter).toEqual(kidsBefore);
    // Still signed in: prompt=none answers with a code, no login page (OIDC Core 3.1.2.1).
    const silent = await browser.follow(
      await browser.get(authorizeUrl(issuer, 'first-party', pkcePair().challenge, { prompt: 'none' })),
      issuer,
    );
    const url = new URL(silent.url);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
    expect(url.searchParams.get('error')).toBeNull();
    expect(url.searchParams.has('code')).toBe(true);
    // And the user is there to sign in again.
    const again = await signIn(
      new TestBrowser(),
      authorizeUrl(issuer, 'first-party', pkcePair().challenge),
      issuer,
      {
        username: 'bob',
        password: 'correct horse battery staple',
      },
    );
    expect(again.searchParams.has('code')).toBe(true);
  });
});
