import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError } from './gatehouse-error.js';
import { REFRESH_LOCK } from './session/refresh-coordinator.js';
import { CookieJar } from './test-support/cookie-jar.js';
import { FakeClock } from './test-support/fake-browser.js';
import { MemoryLocks } from './test-support/memory-locks.js';
import { startTestApiServer, TEST_USER, type TestApiServer } from './test-support/test-api-server.js';
import { nextChange, openTab, signIn, type TestBrowser, type TestTab } from './test-support/test-tab.js';

const FIVE_MINUTES = 5 * 60 * 1000;
let api: TestApiServer;
let browser: TestBrowser & { locks: MemoryLocks | null };
let tabs: TestTab[];
let channelSeq = 0;

function tab(): TestTab {
  const opened = openTab(browser);
  tabs.push(opened);
  return opened;
}

beforeEach(async () => {
  api = await startTestApiServer();
  channelSeq += 1;
  browser = {
    apiBase: api.url,
    jar: new CookieJar(),
    clock: new FakeClock(),
    locks: new MemoryLocks(),
    channelName: `gatehouse-test-${process.pid}-${channelSeq}`,
  };
  tabs = [];
});

afterEach(async () => {
  for (const opened of tabs) opened.close();
  await api.close();
});

const refreshes = (): number => api.calls.get('POST /api/refresh') ?? 0;

describe('restore()', () => {
  it('resolves to null without throwing when there is no session', async () => {
    const a = tab();
    await expect(a.gatehouse.restore()).resolves.toBeNull();
    expect(refreshes()).toBe(1);
  });

  it('also takes a 401 answer (a cookie the API does not know) as "no session"', async () => {
    browser.jar.cookies.set('__Host-gh_refresh', 'a-cookie-from-a-deleted-database');
    await expect(tab().gatehouse.restore()).resolves.toBeNull();
    expect(refreshes()).toBe(1);
  });

  it('brings the session back after a reload through the refresh cookie', async () => {
    await signIn(tab());
    const reloaded = tab();
    await expect(reloaded.gatehouse.restore()).resolves.toEqual(TEST_USER);
    expect(reloaded.gatehouse.user).toEqual(TEST_USER);
  });
});

describe('refresh within a tab', () => {
  it('is single-flight: concurrent callers share one refresh', async () => {
    const a = tab();
    await signIn(a);
    browser.clock.advance(FIVE_MINUTES);
    const tokens = await Promise.all([
      a.gatehouse.getAccessToken(),
      a.gatehouse.getAccessToken(),
      a.gatehouse.getAccessToken(),
    ]);
    expect(refreshes()).toBe(1);
    expect(new Set(tokens)).toEqual(new Set([api.issuedTokens[1]]));
    expect(browser.locks?.requests).toBe(1);
  });

  it('is single-flight even where Web Locks are missing', async () => {
    browser.locks = null;
    const a = tab();
    await signIn(a);
    browser.clock.advance(FIVE_MINUTES);
    await Promise.all([a.gatehouse.getAccessToken(), a.gatehouse.getAccessToken()]);
    expect(refreshes()).toBe(1);
    expect(api.reuseDetected).toBe(false);
  });

  it('refreshes a little before expiry, on a timer scheduled from expires_in', async () => {
    const a = tab();
    await signIn(a);
    const [scheduled] = [...a.timers.pending.values()];
    // 300 s token, 30 s leeway, at most 2 s of jitter.
    expect(scheduled?.delayMs).toBeGreaterThanOrEqual(268_000);
    expect(scheduled?.delayMs).toBeLessThanOrEqual(270_000);
    const refreshed = nextChange(a.gatehouse);
    browser.clock.advance(270_000);
    a.timers.fireAll();
    expect(await refreshed).toBe('refreshed');
    expect(await a.gatehouse.getAccessToken()).toBe(api.issuedTokens[1]);
    expect(a.timers.pending.size).toBe(1);
  });

  it('throws refresh_failed on a server error and keeps the session', async () => {
    const a = tab();
    await signIn(a);
    browser.clock.advance(FIVE_MINUTES);
    api.failRefresh(true);
    const error = await a.gatehouse.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ code: 'refresh_failed', status: 503, serverError: 'provider_unavailable' });
    expect(a.gatehouse.user).toEqual(TEST_USER);
  });

  it('signs out with session_expired when the server has ended the session', async () => {
    const a = tab();
    await signIn(a);
    api.revokeSessions();
    browser.clock.advance(FIVE_MINUTES);
    const signedOut = nextChange(a.gatehouse);
    const error = await a.gatehouse.getAccessToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'session_expired' });
    expect(await signedOut).toBe('signed-out');
    expect(a.gatehouse.user).toBeNull();
  });
});

describe('refresh across tabs', () => {
  it('a tab waiting on the lock reuses the token another tab broadcast, spending no cookie', async () => {
    const a = tab();
    const b = tab();
    const bSignedIn = nextChange(b.gatehouse);
    await signIn(a);
    expect(await bSignedIn).toBe('signed-in');
    browser.clock.advance(FIVE_MINUTES);

    const locks = browser.locks as MemoryLocks;
    locks.pause();
    const fromA = a.gatehouse.getAccessToken();
    const fromB = b.gatehouse.getAccessToken();
    expect(locks.waiting(REFRESH_LOCK)).toBe(2);
    const bHeard = nextChange(b.gatehouse);
    locks.grantNext(REFRESH_LOCK);
    const tokenA = await fromA;
    expect(await bHeard).toBe('refreshed');
    expect(await fromB).toBe(tokenA);
    expect(refreshes()).toBe(1);
    // B withdrew its lock request instead of queueing a second refresh.
    expect(locks.waiting(REFRESH_LOCK)).toBe(0);
    expect(api.reuseDetected).toBe(false);
  });

  it('two tabs refreshing at once both stay signed in (the lock serializes the cookie)', async () => {
    const a = tab();
    const b = tab();
    await signIn(a);
    await b.gatehouse.restore();
    browser.clock.advance(FIVE_MINUTES);
    const [tokenA, tokenB] = await Promise.all([a.gatehouse.getAccessToken(), b.gatehouse.getAccessToken()]);
    expect(api.reuseDetected).toBe(false);
    for (const token of [tokenA, tokenB]) expect(api.issuedTokens).toContain(token);
    expect((await a.gatehouse.fetch('/api/me')).status).toBe(200);
    expect((await b.gatehouse.fetch('/api/me')).status).toBe(200);
  });

  it('without the lock and the channel, the same race spends the cookie twice and the server revokes the session', async () => {
    browser.locks = null;
    browser.channelName = null;
    const a = tab();
    const b = tab();
    await signIn(a);
    await b.gatehouse.restore();
    browser.clock.advance(FIVE_MINUTES);
    await Promise.allSettled([a.gatehouse.getAccessToken(), b.gatehouse.getAccessToken()]);
    // This is what REFRESH_LOCK prevents in the test above.
    expect(api.reuseDetected).toBe(true);
  });

  it('a sign-in in one tab signs the other tabs in', async () => {
    const a = tab();
    const b = tab();
    const heard = nextChange(b.gatehouse);
    await signIn(a);
    expect(await heard).toBe('signed-in');
    expect(await b.gatehouse.getAccessToken()).toBe(await a.gatehouse.getAccessToken());
    expect(refreshes()).toBe(0);
  });
});
