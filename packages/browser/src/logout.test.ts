import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGatehouse } from './create-gatehouse.js';
import { GatehouseError } from './gatehouse-error.js';
import { CookieJar } from './test-support/cookie-jar.js';
import { FakeClock } from './test-support/fake-browser.js';
import { MemoryLocks } from './test-support/memory-locks.js';
import { startTestApiServer, type TestApiServer } from './test-support/test-api-server.js';
import { nextChange, openTab, signIn, type TestBrowser, type TestTab } from './test-support/test-tab.js';

let api: TestApiServer;
let browser: TestBrowser;
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
    channelName: `gatehouse-logout-${process.pid}-${channelSeq}`,
  };
  tabs = [];
});

afterEach(async () => {
  for (const opened of tabs) opened.close();
  await api.close();
});

describe('logout()', () => {
  it('ends the session at the API, signs every tab out, then goes to logout_url', async () => {
    const a = tab();
    const b = tab();
    const bIn = nextChange(b.gatehouse);
    await signIn(a);
    await bIn;
    const bOut = nextChange(b.gatehouse);
    await a.gatehouse.logout();
    expect(api.calls.get('POST /api/logout')).toBe(1);
    expect(a.tab.assigned.at(-1)).toBe('http://auth.test:4000/session/end?client_id=gatehouse-api');
    expect(a.gatehouse.user).toBeNull();
    expect(await bOut).toBe('signed-out');
    expect(b.gatehouse.user).toBeNull();
    expect(browser.jar.cookies.size).toBe(0);
    // The other tab cannot bring the session back: it is over on the server.
    await expect(b.gatehouse.restore()).resolves.toBeNull();
    await expect(b.gatehouse.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
  });

  it('tells the app once, after the provider sends the tab back, that logout signed it out', async () => {
    const a = tab();
    await signIn(a);
    expect(a.gatehouse.takeLoggedOut()).toBe(false);
    await a.gatehouse.logout();
    // The provider's logout page sends the browser back: a page load, a new SDK on the same tab's storage.
    const back = createGatehouse({
      apiBase: api.url,
      fetch: browser.jar.fetch,
      locks: null,
      channel: null,
      location: a.tab,
      history: a.tab,
      storage: a.storage,
      now: browser.clock.now,
    });
    try {
      expect(back.takeLoggedOut()).toBe(true);
      // Once only: a reload later says nothing.
      expect(back.takeLoggedOut()).toBe(false);
      // Only the time was stored, never a token.
      expect(a.storage.written.filter((entry) => entry.startsWith('gatehouse:signed-out='))).toEqual([
        `gatehouse:signed-out=${browser.clock.now()}`,
      ]);
    } finally {
      back.close();
    }
  });

  it('does not tell a tab that comes back much later, nor one whose logout failed', async () => {
    const late = tab();
    await signIn(late);
    await late.gatehouse.logout();
    browser.clock.advance(10 * 60 * 1000);
    expect(late.gatehouse.takeLoggedOut()).toBe(false);

    const failed = tab();
    await signIn(failed);
    await api.close();
    await failed.gatehouse.logout().catch(() => undefined);
    api = await startTestApiServer();
    expect(failed.gatehouse.takeLoggedOut()).toBe(false);
  });

  it('signs out locally and everywhere even when the API cannot be reached', async () => {
    const a = tab();
    const b = tab();
    const bIn = nextChange(b.gatehouse);
    await signIn(a);
    await bIn;
    const bOut = nextChange(b.gatehouse);
    await api.close();
    const error = await a.gatehouse.logout().catch((e: unknown) => e);
    api = await startTestApiServer();
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('logout_failed');
    expect(a.gatehouse.user).toBeNull();
    expect(await bOut).toBe('signed-out');
    expect(a.tab.assigned.some((url) => url.includes('session/end'))).toBe(false);
  });

  it('onChange listeners hear sign-in and sign-out, and stop after unsubscribing', async () => {
    const a = tab();
    const heard: string[] = [];
    const unsubscribe = a.gatehouse.onChange((user, reason) =>
      heard.push(`${reason}:${user?.sub ?? 'none'}`),
    );
    await signIn(a);
    await a.gatehouse.logout();
    unsubscribe();
    await signIn(a);
    expect(heard).toEqual(['signed-in:user-1', 'signed-out:none']);
  });
});
