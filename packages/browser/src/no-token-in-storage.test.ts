import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGatehouse } from './create-gatehouse.js';
import type { Gatehouse } from './gatehouse.js';
import { CookieJar } from './test-support/cookie-jar.js';
import { FakeClock, FakeTab, ManualTimers, RecordingStorage } from './test-support/fake-browser.js';
import { MemoryLocks } from './test-support/memory-locks.js';
import { GOOD_CODE, startTestApiServer, type TestApiServer } from './test-support/test-api-server.js';

let api: TestApiServer;
let local: RecordingStorage;
let session: RecordingStorage;
let cookieWrites: string[];
let gatehouse: Gatehouse;
let tab: FakeTab;

beforeEach(async () => {
  api = await startTestApiServer();
  local = new RecordingStorage();
  session = new RecordingStorage();
  cookieWrites = [];
  // Web storage and document.cookie as a browser has them; the SDK uses its defaults here.
  vi.stubGlobal('localStorage', local);
  vi.stubGlobal('sessionStorage', session);
  vi.stubGlobal('document', {
    set cookie(value: string) {
      cookieWrites.push(value);
    },
    get cookie() {
      return '';
    },
  });
  tab = new FakeTab(`${api.url}/`);
  gatehouse = createGatehouse({
    apiBase: api.url,
    fetch: new CookieJar().fetch,
    locks: new MemoryLocks(),
    channel: null,
    location: tab,
    history: tab,
    timers: new ManualTimers(),
    now: new FakeClock().now,
  });
});

afterEach(async () => {
  gatehouse.close();
  vi.unstubAllGlobals();
  await api.close();
});

describe('the access token lives in memory only', () => {
  it('writes no token, refresh cookie or code to web storage or document.cookie across a whole session', async () => {
    await gatehouse.login();
    const state = new URL(tab.assigned[0] ?? '').searchParams.get('state') ?? '';
    tab.href = `${api.url}/callback?code=${GOOD_CODE}&state=${state}`;
    await gatehouse.handleCallback();
    api.rejectIssuedTokens();
    expect((await gatehouse.fetch('/api/me')).status).toBe(200);
    await gatehouse.logout();

    expect(api.issuedTokens).toHaveLength(2);
    expect(api.issuedRefreshCookies).toHaveLength(2);
    const written = [...local.written, ...session.written, ...cookieWrites].join('\n');
    for (const secret of [...api.issuedTokens, ...api.issuedRefreshCookies, GOOD_CODE, state]) {
      expect(written).not.toContain(secret);
    }
    // Only the tab's login verifier and the inspector's trail went to sessionStorage (the callback removed
    // both), and the time of the logout, for the "signed out" notice after the provider's logout page.
    expect(session.written.map((entry) => entry.split('=')[0])).toEqual([
      'gatehouse:login-verifier',
      'gatehouse:flow',
      'gatehouse:signed-out',
    ]);
    expect(session.length).toBe(1);
    expect(local.written).toEqual([]);
    expect(cookieWrites).toEqual([]);
  });
});
