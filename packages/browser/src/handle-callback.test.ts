import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError } from './gatehouse-error.js';
import { CookieJar } from './test-support/cookie-jar.js';
import { FakeClock } from './test-support/fake-browser.js';
import { MemoryLocks } from './test-support/memory-locks.js';
import { startTestApiServer, TEST_USER, type TestApiServer } from './test-support/test-api-server.js';
import { arriveAtCallback, openTab, type TestTab } from './test-support/test-tab.js';

let api: TestApiServer;
let t: TestTab;
let hrefAtCallback: string | undefined;
let browserJar: CookieJar;

beforeEach(async () => {
  hrefAtCallback = undefined;
  api = await startTestApiServer({
    onCallback: () => {
      hrefAtCallback = t.tab.href;
    },
  });
  browserJar = new CookieJar();
  t = openTab({
    apiBase: api.url,
    jar: browserJar,
    clock: new FakeClock(),
    locks: new MemoryLocks(),
    channelName: null,
  });
});

afterEach(async () => {
  t.close();
  await api.close();
});

async function failure(promise: Promise<unknown>): Promise<GatehouseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return error as GatehouseError;
}

describe('handleCallback()', () => {
  it('signs in, returns the user and return_to, and keeps the token in memory (steps 6-10)', async () => {
    await arriveAtCallback(t, 'good-code', '/contacts');
    const result = await t.gatehouse.handleCallback();
    expect(result.user).toEqual(TEST_USER);
    expect(result.returnTo).toBe('/contacts');
    expect(t.gatehouse.user).toEqual(TEST_USER);
    expect(await t.gatehouse.getAccessToken()).toBe(api.issuedTokens[0]);
  });

  it('removes code, state and iss from the address bar before calling the API', async () => {
    await arriveAtCallback(t);
    t.tab.href += '#keep';
    await t.gatehouse.handleCallback();
    expect(hrefAtCallback).toBe(`${api.url}/callback#keep`);
    expect(t.tab.href).toBe(`${api.url}/callback#keep`);
    expect(t.tab.replaced).toEqual([`${api.url}/callback#keep`]);
  });

  it('cleans the address bar even when the callback fails', async () => {
    await arriveAtCallback(t, 'bad-code');
    const error = await failure(t.gatehouse.handleCallback());
    expect(error.code).toBe('callback_failed');
    expect(error.serverError).toBe('provider_error');
    expect(t.tab.href).toBe(`${api.url}/callback`);
  });

  it('merges the ten steps of the flow: 1-2 and 7-10 from the API, 3-6 from the SDK', async () => {
    await arriveAtCallback(t);
    const { flow } = await t.gatehouse.handleCallback();
    expect(flow?.map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const sixth = flow?.find((step) => step.step === 6);
    expect(sixth?.detail).toContain('code=[redacted]');
    expect(JSON.stringify(flow)).not.toContain('good-code');
    // The trail describes one login only.
    expect(t.storage.getItem('gatehouse:flow')).toBeNull();
  });

  it('refuses a replayed callback as state_mismatch (state is single use)', async () => {
    const state = await arriveAtCallback(t);
    const replay = t.tab.href;
    await t.gatehouse.handleCallback();
    t.tab.href = replay;
    const error = await failure(t.gatehouse.handleCallback());
    expect(error.code).toBe('state_mismatch');
    expect(error.serverError).toBe('login_transaction_used');
    expect(error.message).not.toContain(state);
  });

  it('reports a state the API does not know as state_mismatch', async () => {
    await arriveAtCallback(t);
    const url = new URL(t.tab.href);
    url.searchParams.set('state', 'forged');
    t.tab.href = url.href;
    expect((await failure(t.gatehouse.handleCallback())).code).toBe('state_mismatch');
    expect(t.gatehouse.user).toBeNull();
  });

  it('reports a missing state without calling the API', async () => {
    t.tab.href = `${api.url}/callback?code=good-code`;
    expect((await failure(t.gatehouse.handleCallback())).code).toBe('state_mismatch');
    expect(api.calls.get('GET /api/callback')).toBeUndefined();
    expect(t.tab.href).toBe(`${api.url}/callback`);
  });

  it('names an error callback without reflecting its description, and tells the API', async () => {
    const iss = encodeURIComponent('http://localhost:4000');
    t.tab.href = `${api.url}/callback?error=access_denied&error_description=%3Cscript%3Eowned&state=s&iss=${iss}`;
    const error = await failure(t.gatehouse.handleCallback());
    expect(error).toMatchObject({ code: 'callback_failed', serverError: 'access_denied' });
    expect(error.message).toBe('The sign-in was cancelled or refused.');
    // With iss (RFC 9207 2.4: the API checks it on error responses as well), never the description.
    expect(api.requests).toContain(`GET /api/callback?error=access_denied&state=s&iss=${iss}`);
    expect(t.tab.href).toBe(`${api.url}/callback`);
  });

  it('sends the tab login verifier in a header, never the URL, and forgets it (docs/security.md 51)', async () => {
    await arriveAtCallback(t);
    const verifier = t.storage.getItem('gatehouse:login-verifier') ?? '';
    expect(verifier).not.toBe('');
    await t.gatehouse.handleCallback();
    const callbackAt = api.requests.findIndex((line) => line.startsWith('GET /api/callback'));
    expect(api.requestHeaders[callbackAt]?.['gatehouse-login-verifier']).toBe(verifier);
    expect(api.requests.join('\n')).not.toContain(verifier);
    expect(t.storage.getItem('gatehouse:login-verifier')).toBeNull();
  });

  it('cannot finish a login this tab did not start, even with its cookies (cookie tossing, docs/security.md 51)', async () => {
    // Another tab of the same browser (same cookie jar) started the login; this tab arrives at its callback.
    const starter = openTab({
      apiBase: api.url,
      jar: browserJar,
      clock: new FakeClock(),
      locks: null,
      channelName: null,
    });
    const state = await arriveAtCallback(starter);
    starter.close();
    t.tab.href = `${api.url}/callback?code=good-code&state=${state}&iss=x`;
    const error = await failure(t.gatehouse.handleCallback());
    expect(error).toMatchObject({ code: 'state_mismatch', serverError: 'login_transaction_not_found' });
    expect(t.gatehouse.user).toBeNull();
    // The API was told, so the transaction is spent: the tab that started it cannot finish it either.
    expect(api.calls.get('GET /api/callback')).toBe(1);
  });

  it('lets two tabs of one browser log in at once, each with its own verifier', async () => {
    const other = openTab({
      apiBase: api.url,
      jar: browserJar,
      clock: new FakeClock(),
      locks: null,
      channelName: null,
    });
    await arriveAtCallback(t);
    await arriveAtCallback(other);
    expect(other.storage.getItem('gatehouse:login-verifier')).not.toBe(
      t.storage.getItem('gatehouse:login-verifier'),
    );
    await other.gatehouse.handleCallback();
    await t.gatehouse.handleCallback();
    expect(t.gatehouse.user).toEqual(TEST_USER);
    expect(other.gatehouse.user).toEqual(TEST_USER);
    other.close();
  });

  it('replaces an unreadable error code by invalid_request', async () => {
    t.tab.href = `${api.url}/callback?error=%3Cb%3Ehi&state=s`;
    const error = await failure(t.gatehouse.handleCallback());
    expect(error.serverError).toBe('invalid_request');
    expect(error.message).not.toContain('<b>');
  });
});
