import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { spaSignIn } from '../testing/spa-sign-in.js';
import { startApiChild } from '../testing/start-api-child.js';
import { apiClient, reservePublicUrl } from '../testing/test-api.js';

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

  const startChild = () => startApiChild(CHILD, { provider: op, publicUrl, dataDir }, children);

  it('keeps sessions, users and keys across a SIGKILL and a restart', async () => {
    const first = await startChild();
    const client = apiClient(publicUrl);
    const { jar, accessToken } = await spaSignIn(client, (loginUrl) => op.authorize(loginUrl));

    first.kill('SIGKILL');
    await new Promise((done) => first.once('exit', done));
    await startChild();

    const refreshed = await client.postFromSpa('/api/refresh', jar);
    expect(refreshed.status).toBe(200);
    const { access_token: next } = (await refreshed.json()) as { access_token: string };
    // The old access token is still valid too: the signing key survived in DATA_DIR; the user too.
    for (const token of [accessToken, next]) {
      const me = await client.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { sub: string }).sub).toBe('user-1');
    }
  });
});
