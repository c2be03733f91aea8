import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  apiClient,
  MisbehavingProvider,
  reservePublicUrl,
  spaSignIn,
  startApiChild,
} from '@gatehouse/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(packageDir, '../..');

// The child runs the built packages, exactly as `gatehouse start` would.
const CHILD = `
const { loadApiConfig } = await import(${JSON.stringify(pathToFileURL(join(repoDir, 'packages/api/dist/index.js')).href)});
const { startDemo } = await import(${JSON.stringify(pathToFileURL(join(packageDir, 'dist/index.js')).href)});
const demo = await startDemo({ config: loadApiConfig(process.env) });
process.stdout.write('ready ' + demo.url + '\\n');
`;

describe('durability of the demo: nothing answered is lost on kill -9', () => {
  let op: MisbehavingProvider;
  let dataDir: string;
  let publicUrl: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'packages/demo-api'], { cwd: repoDir, stdio: 'ignore' });
    op = await MisbehavingProvider.start();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-demo-durable-'));
    publicUrl = await reservePublicUrl();
  }, 120_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await op?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const startChild = () => startApiChild(CHILD, { provider: op, publicUrl, dataDir }, children);

  it('keeps sessions and contacts across a SIGKILL and a restart', async () => {
    const first = await startChild();
    const client = apiClient(publicUrl);
    const { jar, accessToken } = await spaSignIn(client, (loginUrl) => op.authorize(loginUrl));
    const created = await client.request('/api/contacts', {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Durable Dana' }),
    });
    expect(created.status).toBe(201);

    first.kill('SIGKILL');
    await new Promise((done) => first.once('exit', done));
    await startChild();

    const refreshed = await client.postFromSpa('/api/refresh', jar);
    expect(refreshed.status).toBe(200);
    const { access_token: next } = (await refreshed.json()) as { access_token: string };
    // The old access token is still valid too: the signing key survived in DATA_DIR.
    for (const token of [accessToken, next]) {
      const list = await client.request('/api/contacts', { headers: { authorization: `Bearer ${token}` } });
      expect(((await list.json()) as { contacts: { name: string }[] }).contacts.map((c) => c.name)).toEqual([
        'Durable Dana',
      ]);
    }
  });
});
