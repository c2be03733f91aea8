import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGatehouse } from './create-gatehouse.js';
import { GatehouseError } from './gatehouse-error.js';
import { CookieJar } from './test-support/cookie-jar.js';
import { FakeClock } from './test-support/fake-browser.js';
import { MemoryLocks } from './test-support/memory-locks.js';
import { startTestApiServer, type TestApiServer } from './test-support/test-api-server.js';
import { openTab, type TestTab } from './test-support/test-tab.js';

let api: TestApiServer;
let t: TestTab;

async function setUp(flow: boolean): Promise<void> {
  api = await startTestApiServer({ flow });
  t = openTab({
    apiBase: api.url,
    jar: new CookieJar(),
    clock: new FakeClock(),
    locks: new MemoryLocks(),
    channelName: null,
  });
}

afterEach(async () => {
  t.close();
  await api.close();
});

describe('login()', () => {
  beforeEach(() => setUp(true));

  it('asks the API for the login URL, passes return_to, and navigates there (steps 1-3)', async () => {
    await t.gatehouse.login({ returnTo: '/contacts?tab=1' });
    expect(api.calls.get('GET /api/login')).toBe(1);
    const target = new URL(t.tab.assigned[0] ?? '');
    expect(target.origin).toBe('http://auth.test:4000');
    expect(target.searchParams.get('state')).toMatch(/^state-/);
  });

  it('remembers timestamps and the redacted API steps only, never the login URL, for the inspector', async () => {
    await t.gatehouse.login();
    const stored = t.storage.getItem('gatehouse:flow') ?? '';
    const trail = JSON.parse(stored) as Record<string, unknown>;
    expect(typeof trail.loginStartedAt).toBe('number');
    expect(trail.authorizeEndpoint).toBe('http://auth.test:4000/auth');
    const state = new URL(t.tab.assigned[0] ?? '').searchParams.get('state') ?? '';
    expect(stored).not.toContain(state);
  });

  it('drops a return_to that is not a same-origin path (docs/security.md A.6, defence in depth)', async () => {
    for (const returnTo of ['https://evil.test/', '//evil.test', '/\\evil.test', '/\t/evil.test', '/ok']) {
      await t.gatehouse.login({ returnTo });
    }
    const sent = api.requests.map((line) =>
      new URL(line.split(' ')[1] ?? '', api.url).searchParams.get('return_to'),
    );
    expect(sent).toEqual(['/', '/', '/', '/', '/ok']);
  });

  it('throws login_failed with the server error when the API refuses', async () => {
    const broken = openTab({
      apiBase: `${api.url}/nowhere/`,
      jar: new CookieJar(),
      clock: new FakeClock(),
      locks: null,
      channelName: null,
    });
    const error = await broken.gatehouse.login().catch((e: unknown) => e);
    broken.close();
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ code: 'login_failed', status: 401, serverError: 'invalid_token' });
    expect((error as GatehouseError).message).toBe('The sign-in could not be started. (invalid_token)');
  });

  // Issue 11, finding 11: with the provider down the app said "could not be started. (provider_unavailable)".
  it('says to retry shortly when the API answers that the provider is unavailable', async () => {
    const down = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 'provider_unavailable', error_description: 'The provider does not answer' }),
      );
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const tab = openTab({
      apiBase: `http://127.0.0.1:${(down.address() as AddressInfo).port}`,
      jar: new CookieJar(),
      clock: new FakeClock(),
      locks: null,
      channelName: null,
    });
    try {
      const error = await tab.gatehouse.login().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'login_failed', status: 503, serverError: 'provider_unavailable' });
      expect((error as GatehouseError).message).toBe(
        'The sign-in service is not answering right now; please retry shortly. (provider_unavailable)',
      );
    } finally {
      tab.close();
      down.close();
    }
  });

  it('throws network_error when the API is unreachable', async () => {
    const gone = await startTestApiServer();
    await gone.close();
    const offline = openTab({
      apiBase: gone.url,
      jar: new CookieJar(),
      clock: new FakeClock(),
      locks: null,
      channelName: null,
    });
    const error = await offline.gatehouse.login().catch((e: unknown) => e);
    offline.close();
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('network_error');
  });
});

describe('login() with the inspector off', () => {
  beforeEach(() => setUp(false));

  it('writes nothing to sessionStorage but the login verifier', async () => {
    await t.gatehouse.login();
    expect(t.storage.written.map((entry) => entry.split('=')[0])).toEqual(['gatehouse:login-verifier']);
    expect(t.tab.assigned).toHaveLength(1);
  });
});

describe('login() binds the login to this tab (docs/security.md 51)', () => {
  beforeEach(() => setUp(true));

  it('sends the SHA-256 of a verifier kept in sessionStorage in a header, never the verifier or a URL parameter', async () => {
    await t.gatehouse.login();
    const verifier = t.storage.getItem('gatehouse:login-verifier') ?? '';
    expect(verifier).toMatch(/^[\w-]{43}$/);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    expect(api.requestHeaders[0]?.['gatehouse-login-challenge']).toBe(challenge);
    expect(api.requests[0]).toBe('GET /api/login');
    expect(JSON.stringify(api.requestHeaders[0])).not.toContain(verifier);
    // A second login in the same tab (a double click) uses the same verifier, so whichever wins matches.
    await t.gatehouse.login();
    expect(api.requestHeaders[1]?.['gatehouse-login-challenge']).toBe(challenge);
    expect(t.tab.assigned).toHaveLength(2);
  });

  it('refuses to start without sessionStorage, before calling the API', async () => {
    const noStorage = createGatehouse({
      apiBase: api.url,
      fetch: new CookieJar().fetch,
      locks: null,
      channel: null,
      location: t.tab,
      history: t.tab,
      storage: null,
    });
    const error = await noStorage.login().catch((e: unknown) => e);
    noStorage.close();
    expect(error).toMatchObject({ code: 'login_failed' });
    expect((error as GatehouseError).message).toMatch(/sessionStorage/);
    expect(api.calls.get('GET /api/login')).toBeUndefined();
  });
});
