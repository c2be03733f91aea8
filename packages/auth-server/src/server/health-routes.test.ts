import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';
import { healthRoutes } from './health-routes.js';

describe('/healthz and /readyz', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
  });
  afterAll(async () => {
    await auth.close();
  });

  it('answers live and ready, as JSON that is never stored', async () => {
    for (const [path, status] of [
      ['/healthz', 'ok'],
      ['/readyz', 'ready'],
    ] as const) {
      const response = await fetch(new URL(path, auth.issuer));
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ status });
    }
  });

  it('is not ready (503) once the store no longer answers, while still live', async () => {
    await auth.store.close();
    const ready = await fetch(new URL('/readyz', auth.issuer));
    expect(ready.status).toBe(503);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ status: 'unavailable' });
    expect((await fetch(new URL('/healthz', auth.issuer))).status).toBe(200);
  });
});

describe('/readyz before the keys are loaded', () => {
  it('answers 503 while the provider is not built, although the store answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ready-'));
    const store = openAuthStore(dir);
    let built = false;
    const health = healthRoutes({ providerReady: () => built, store });
    const server = createServer((req, res) => {
      if (!health(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    try {
      expect((await fetch(url)).status).toBe(503);
      // Provider built but no key in the store (a key set not loaded yet): still not ready.
      built = true;
      expect((await fetch(url)).status).toBe(503);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
