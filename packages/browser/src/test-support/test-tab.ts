import { createGatehouse } from '../create-gatehouse.js';
import type { Gatehouse } from '../gatehouse.js';
import type { LockManagerLike } from '../options.js';
import type { CookieJar } from './cookie-jar.js';
import { type FakeClock, FakeTab, ManualTimers, RecordingStorage } from './fake-browser.js';

/** One simulated browser tab: an SDK instance with its own address bar, storage, timers and channel. */
export interface TestTab {
  gatehouse: Gatehouse;
  tab: FakeTab;
  storage: RecordingStorage;
  timers: ManualTimers;
  channel: BroadcastChannel | null;
  close(): void;
}

/** What the tabs of one simulated browser share. */
export interface TestBrowser {
  apiBase: string;
  jar: CookieJar;
  clock: FakeClock;
  locks: LockManagerLike | null;
  /** Channel name; `null` turns cross-tab messages off. */
  channelName: string | null;
}

/** Opens a tab at `path` of the API's origin. */
export function openTab(browser: TestBrowser, path = '/'): TestTab {
  const tab = new FakeTab(new URL(path, browser.apiBase).href);
  const storage = new RecordingStorage();
  const timers = new ManualTimers();
  const channel = browser.channelName === null ? null : new BroadcastChannel(browser.channelName);
  const gatehouse = createGatehouse({
    apiBase: browser.apiBase,
    fetch: browser.jar.fetch,
    locks: browser.locks,
    channel,
    location: tab,
    history: tab,
    storage,
    timers,
    now: browser.clock.now,
  });
  return {
    gatehouse,
    tab,
    storage,
    timers,
    channel,
    close() {
      gatehouse.close();
      channel?.close();
    },
  };
}

/** Resolves at the next change event of `gatehouse` (a broadcast from another tab, for instance). */
export function nextChange(gatehouse: Gatehouse): Promise<string> {
  return new Promise((resolve) => {
    const unsubscribe = gatehouse.onChange((_user, reason) => {
      unsubscribe();
      resolve(reason);
    });
  });
}

/**
 * Steps 1–6 as the browser would do them: `login()`, then the auth server's redirect back to `/callback`
 * carrying `code` (the test server's good one unless given), the login's `state`, and `iss`.
 */
export async function arriveAtCallback(t: TestTab, code = 'good-code', returnTo?: string): Promise<string> {
  await t.gatehouse.login(returnTo === undefined ? {} : { returnTo });
  const loginUrl = new URL(t.tab.assigned.at(-1) ?? '');
  const state = loginUrl.searchParams.get('state') ?? '';
  const callback = new URL('/callback', t.tab.href);
  callback.search = new URLSearchParams({ code, state, iss: 'http://auth.test:4000' }).toString();
  t.tab.href = callback.href;
  return state;
}

/** Signs a tab in through the whole flow. */
export async function signIn(t: TestTab): Promise<void> {
  await arriveAtCallback(t);
  await t.gatehouse.handleCallback();
}
