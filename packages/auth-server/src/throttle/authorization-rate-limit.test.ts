import { join } from 'node:path';
import { createLogger, openDatabase } from '@gatehouse/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthServerConfig } from '../config/load-auth-server-config.js';
import { type RunningAuthServer, startAuthServer } from '../server/start-auth-server.js';
import { MIGRATIONS } from '../store/sqlite/migrations.js';
import { authorizeUrl, pkcePair } from '../testing/sign-in.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';

const LIMIT = 5;

// docs/security.md 50 (unbounded writes): each authorization request writes an interaction row; one address may
// start at most RATE_LIMIT_PER_MINUTE of them a minute, counted in the store.
describe('authorization requests per address', () => {
  let auth: TestAuthServer;
  let now = 1_800_000_000_000;
  beforeAll(async () => {
    auth = await startTestAuthServer({
      nowMs: () => now,
      env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), AUTH_TRUST_PROXY: 'true' },
    });
  });
  afterAll(async () => {
    await auth.close();
  });

  const authorize = (address: string, accept = 'text/html') =>
    fetch(authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), {
      redirect: 'manual',
      headers: { accept, 'x-forwarded-for': address },
    });

  function interactionRows(): number {
    const db = openDatabase(join(auth.dataDir, 'auth-server', 'auth.sqlite'), MIGRATIONS);
    try {
      return (
        db.prepare("SELECT count(*) AS n FROM oidc_models WHERE model = 'Interaction'").get() as { n: number }
      ).n;
    } finally {
      db.close();
    }
  }

  it('refuses the request past the limit with 429, Retry-After and a page, and writes no interaction for it', async () => {
    const rowsBefore = interactionRows();
    for (let i = 0; i < LIMIT; i++) expect((await authorize('198.51.100.1')).status).toBe(303);
    expect(interactionRows()).toBe(rowsBefore + LIMIT);

    now += 15_000;
    const page = await authorize('198.51.100.1');
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBe('45');
    expect(page.headers.get('location')).toBeNull();
    const html = await page.text();
    expect(html).toContain('<h1>Too many sign-in attempts</h1>');
    expect(html).toContain('Try again in 45 seconds.');
    expect(page.headers.get('cache-control')).toBe('no-store');

    const json = await authorize('198.51.100.1', 'application/json');
    expect(json.status).toBe(429);
    expect(await json.json()).toMatchObject({ error: 'too_many_requests' });
    // A forged entry before the proxy's own does not pick another bucket (the last entry is the client).
    expect((await authorize('203.0.113.77, 198.51.100.1')).status).toBe(429);
    expect(interactionRows()).toBe(rowsBefore + LIMIT);

    // Another address has its own budget; the first has one again once its minute is over.
    expect((await authorize('198.51.100.2')).status).toBe(303);
    now += 45_000;
    expect((await authorize('198.51.100.1')).status).toBe(303);
  });

  it('counts in the store: another server process on the same store sees the same counter', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await authorize('198.51.100.3')).status).toBe(303);
    let other: RunningAuthServer | undefined;
    try {
      other = await startAuthServer({
        config: loadAuthServerConfig({
          AUTH_PORT: '0',
          DATA_DIR: auth.dataDir,
          RATE_LIMIT_PER_MINUTE: String(LIMIT),
          AUTH_TRUST_PROXY: 'true',
        }),
        store: auth.store,
        nowMs: () => now,
        logger: createLogger({ name: 'test', level: 'silent' }),
      });
      const url = authorizeUrl(other.issuer, 'first-party', pkcePair().challenge);
      const refused = await fetch(url, {
        redirect: 'manual',
        headers: { 'x-forwarded-for': '198.51.100.3' },
      });
      expect(refused.status).toBe(429);
    } finally {
      await other?.close();
    }
  });
});
