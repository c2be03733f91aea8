import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '@gatehouse/common/testing';
import { startGatehouse } from './gatehouse/start-gatehouse.js';

// Issue 16 item 6: how many interaction rows one address makes the auth server write in 10 s by flooding the
// authorization endpoint (each 303 to a sign-in page is one interaction row), without the per-address limit (RATE_LIMIT_PER_MINUTE=0, the code path before it
// existed) and with the default (60 a minute). Run: `npm run build --silent && node bench/dist/interaction-flood.js`.
const SECONDS = 10;
const IN_FLIGHT = 16;

for (const limit of ['0', '60']) {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-flood-'));
  const [port, authPort] = [await freePort(), await freePort()];
  const gatehouse = await startGatehouse({ port, authPort, dataDir, env: { RATE_LIMIT_PER_MINUTE: limit } });
  const authorize = new URL('/auth', gatehouse.authUrl);
  for (const [name, value] of Object.entries({
    client_id: 'gatehouse-api',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: `${gatehouse.publicUrl}/callback`,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    state: 'flood',
  })) {
    authorize.searchParams.set(name, value);
  }
  const statuses = new Map<number, number>();
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        const response = await fetch(authorize, { redirect: 'manual' });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  const file = join(dataDir, 'auth-server', 'auth.sqlite');
  // Each 303 to /interaction/<uid> is one interaction written (a refusal writes none).
  const rows = statuses.get(303) ?? 0;
  const bytes = [file, `${file}-wal`].reduce(
    (sum, path) => sum + (statSync(path, { throwIfNoEntry: false })?.size ?? 0),
    0,
  );
  await gatehouse.stop();
  await rm(dataDir, { recursive: true, force: true });
  process.stdout.write(
    `RATE_LIMIT_PER_MINUTE=${limit}: ${[...statuses].map(([status, n]) => `${n} × ${status}`).join(', ')} in ${SECONDS} s; ` +
      `${rows} interaction rows; auth.sqlite + -wal ${(bytes / 1e6).toFixed(1)} MB\n`,
  );
}
