import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, sameOriginJson } from '../testing/test-api.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repoDir = resolve(packageDir, '../..');

// The child runs the built package, exactly as `gatehouse start` would.
const CHILD = `
const { loadApiConfig, startApi } = await import(${JSON.stringify(pathToFileURL(join(packageDir, 'dist/index.js')).href)});
const api = await startApi({ config: loadApiConfig(process.env) });
process.stdout.write('ready ' + api.url + '\\n');
`;

describe('durability: nothing answered is lost on kill -9', () => {
  let op: MisbehavingProvider;
  let dataDir: string;
  let publicUrl: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'packages/api'], { cwd: repoDir, stdio: 'ignore' });
    op = await MisbehavingProvider.start();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-durable-'));
    publicUrl = await reservePublicUrl();
  }, 120_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await op?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function startChild(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      env: {
        ...process.env,
        OIDC_ISSUER: op.issuer,
        OIDC_CLIENT_SECRET: op.clientSecret,
        PUBLIC_URL: publicUrl,
        PORT: new URL(publicUrl).port,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_MINUTE: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((ready, fail) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready ')) ready();
      });
      child.once('exit', (code) => fail(new Error(`API child exited with ${code}`)));
    });
    return child;
  }

  it('keeps sessions, users and keys across a SIGKILL and a restart', async () => {
    const first = await startChild();
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const loginResponse = await fetch(`${publicUrl}/api/login`, { headers: page.loginHeaders });
    jar.store(loginResponse);
    const { login_url } = (await loginResponse.json()) as { login_url: string };
    const callback = await fetch(`${publicUrl}/api/callback?${op.authorize(login_url)}`, {
      headers: { cookie: jar.header(), ...page.callbackHeaders },
    });
    jar.store(callback);
    const { access_token } = (await callback.json()) as { access_token: string };

    first.kill('SIGKILL');
    await new Promise((done) => first.once('exit', done));
    await startChild();

    const refreshed = await fetch(`${publicUrl}/api/refresh`, {
      method: 'POST',
      headers: { ...sameOriginJson(publicUrl), cookie: jar.header() },
      body: '{}',
    });
    expect(refreshed.status).toBe(200);
    const { access_token: next } = (await refreshed.json()) as { access_token: string };
    // The old access token is still valid too: the signing key survived in DATA_DIR; the user too.
    for (const token of [access_token, next]) {
      const me = await fetch(`${publicUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { sub: string }).sub).toBe('user-1');
    }
  });
});
