import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError } from './gatehouse-error.js';
import { CookieJar } from './test-support/cookie-jar.js';
import { FakeClock } from './test-support/fake-browser.js';
import { MemoryLocks } from './test-support/memory-locks.js';
import { startTestApiServer, TEST_ME, type TestApiServer } from './test-support/test-api-server.js';
import { nextChange, openTab, signIn, type TestTab } from './test-support/test-tab.js';

let api: TestApiServer;
let t: TestTab;

beforeEach(async () => {
  api = await startTestApiServer();
  t = openTab({
    apiBase: api.url,
    jar: new CookieJar(),
    clock: new FakeClock(),
    locks: new MemoryLocks(),
    channelName: null,
  });
});

afterEach(async () => {
  t.close();
  await api.close();
});

const calls = (route: string): number => api.calls.get(route) ?? 0;

describe('fetch()', () => {
  it('sends the bearer token to the API', async () => {
    await signIn(t);
    const response = await t.gatehouse.fetch('/api/me');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(TEST_ME);
  });

  it('on a 401 refreshes once and retries once, with the same body', async () => {
    await signIn(t);
    api.rejectIssuedTokens();
    const response = await t.gatehouse.fetch('/api/echo', { method: 'POST', body: 'hello' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 'hello' });
    expect(calls('POST /api/refresh')).toBe(1);
    expect(calls('POST /api/echo')).toBe(2);
  });

  it('retries a Request object with its body intact', async () => {
    await signIn(t);
    api.rejectIssuedTokens();
    const response = await t.gatehouse.fetch(
      new Request(`${api.url}/api/echo`, { method: 'POST', body: 'req' }),
    );
    expect(await response.json()).toEqual({ received: 'req' });
  });

  it('gives back the second 401 instead of looping', async () => {
    await signIn(t);
    api.rejectBearers(true);
    const response = await t.gatehouse.fetch('/api/me');
    expect(response.status).toBe(401);
    expect(calls('POST /api/refresh')).toBe(1);
    expect(calls('GET /api/me')).toBe(2);
  });

  it('refreshes once for several requests refused together', async () => {
    await signIn(t);
    api.rejectIssuedTokens();
    const responses = await Promise.all([t.gatehouse.fetch('/api/me'), t.gatehouse.fetch('/api/me')]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(calls('POST /api/refresh')).toBe(1);
  });

  it('throws session_expired and signs out when the session was revoked', async () => {
    await signIn(t);
    api.revokeSessions();
    const signedOut = nextChange(t.gatehouse);
    const error = await t.gatehouse.fetch('/api/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('session_expired');
    expect(await signedOut).toBe('signed-out');
  });

  it('throws not_authenticated when signed out', async () => {
    const error = await t.gatehouse.fetch('/api/me').catch((e: unknown) => e);
    expect((error as GatehouseError).code).toBe('not_authenticated');
    expect(calls('GET /api/me')).toBe(0);
  });

  it('never sends the token to another origin', async () => {
    await signIn(t);
    const error = await t.gatehouse.fetch('https://evil.test/steal').catch((e: unknown) => e);
    expect((error as GatehouseError).code).toBe('foreign_origin');
  });
});
