import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthStore } from '../store/auth-store.js';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';
import { formAction } from '../testing/browser.js';
import { BrowserAt } from '../testing/browser-at.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_TOTP_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';
import { addUser, setUserPassword } from '../users/user-admin.js';
import { SECOND_FACTOR_POLICY, SecondFactorThrottle } from './second-factor-throttle.js';

const PASSWORD = 'correct horse battery staple';

// docs/security.md 31/32, NIST SP 800-63B 5.2.2 (at most 100 consecutive failures per account): wrong codes are
// bounded per account, whatever the address and however often the (known) password is entered again.
describe('SecondFactorThrottle', () => {
  let dir: string;
  let store: AuthStore;
  let throttle: SecondFactorThrottle;
  let userId: string;
  const T = 1_800_000_000;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-second-factor-'));
    store = openAuthStore(dir);
    throttle = new SecondFactorThrottle(store.throttle);
    userId = (await addUser(store, { username: 'ada', email: 'ada@example.test', password: PASSWORD })).id;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fail(times: number, at = T) {
    for (let i = 0; i < times; i++) await throttle.recordFailure(userId, at);
  }

  it('lets 5 wrong codes through, then doubles the wait up to 15 minutes, then locks at 20', async () => {
    const waits: (number | 'locked')[] = [];
    for (let failure = 1; failure <= SECOND_FACTOR_POLICY.lockAfter; failure++) {
      await throttle.recordFailure(userId, T);
      const decision = await throttle.reserve(userId, T);
      if (decision.allowed) await throttle.release(userId);
      waits.push(decision.allowed ? 0 : decision.locked ? 'locked' : decision.retryAfter);
    }
    expect(waits).toEqual([
      0,
      0,
      0,
      0,
      0,
      1,
      2,
      4,
      8,
      16,
      32,
      64,
      128,
      256,
      512,
      900,
      900,
      900,
      900,
      'locked',
    ]);
  });

  it('is not reset by time, and a lock does not run out', async () => {
    await fail(12);
    expect(await throttle.reserve(userId, T + 30 * 24 * 3600)).toEqual({ allowed: true });
    await throttle.release(userId);
    await fail(8, T + 30 * 24 * 3600);
    expect(await throttle.reserve(userId, T + 365 * 24 * 3600)).toEqual({ allowed: false, locked: true });
  });

  it('is cleared by a correct code, and by an administrator’s new password or TOTP secret', async () => {
    await fail(20);
    await throttle.recordSuccess(userId);
    expect(await store.throttle.secondFactorFailures(userId)).toBeUndefined();
    await fail(20);
    await setUserPassword(store, 'ada', `${PASSWORD} 2`);
    expect(await store.throttle.secondFactorFailures(userId)).toBeUndefined();
    await fail(20);
    expect(await store.authenticators.setTotpSecret(userId, TEST_TOTP_SECRET)).toBe(true);
    expect(await store.throttle.secondFactorFailures(userId)).toBeUndefined();
  });

  it('counts checks in flight, so codes sent at once are not checked faster', async () => {
    await fail(5);
    expect(await throttle.reserve(userId, T)).toEqual({ allowed: true });
    expect(await throttle.reserve(userId, T)).toEqual({ allowed: false, locked: false, retryAfter: 1 });
    await throttle.release(userId);
    expect(await throttle.reserve(userId, T)).toEqual({ allowed: true });
  });
});

describe('wrong codes from someone who has the password', () => {
  let auth: TestAuthServer;
  // Mid-step of a 30 s TOTP window.
  let now = 1_800_000_015_000;
  beforeAll(async () => {
    auth = await startTestAuthServer({ nowMs: () => now, env: { AUTH_TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await auth.close();
  });

  const rightCode = () => totpCode(TEST_TOTP_SECRET, now);
  /** A 6-digit code that is none of the three the server accepts now (one step of drift). */
  const wrongCode = () => {
    const valid = [-30_000, 0, 30_000].map((drift) => totpCode(TEST_TOTP_SECRET, now + drift));
    return ['000000', '111111', '222222', '333333'].find((code) => !valid.includes(code)) ?? '444444';
  };

  /** A new interaction from `address`: the right password, then returns the code form. */
  async function passwordStep(username: string, address: string) {
    const browser = new BrowserAt(address);
    const login = await startLogin(browser, auth.issuer);
    const response = await browser.post(login.action, { username, password: PASSWORD });
    const pageUrl = new URL(String(response.headers.get('location')), login.url).href;
    const html = await (await browser.get(pageUrl)).text();
    expect(html).toContain('name="code"');
    return { browser, action: formAction(html, pageUrl) };
  }

  async function submitCode(step: Awaited<ReturnType<typeof passwordStep>>, code: string) {
    const response = await step.browser.post(step.action, { code });
    expect(response.status).toBe(303);
    const location = new URL(String(response.headers.get('location')), auth.issuer);
    const page = location.pathname.startsWith('/interaction/')
      ? await (await step.browser.get(location.href)).text()
      : '';
    return { location, page };
  }

  /** `count` wrong codes, each after the right password from a new address, every wait (<= 15 min) let pass. */
  async function wrongCodes(username: string, count: number, firstAddress: number) {
    for (let i = 0; i < count; i++) {
      now += 16 * 60_000;
      const step = await passwordStep(username, `203.0.113.${firstAddress + i}`);
      expect((await submitCode(step, wrongCode())).location.searchParams.get('error')).toBe('code');
    }
  }

  it('refuses even the right code for longer than the 60 s account cap, then takes it after the wait', async () => {
    await wrongCodes('alice', 13, 0);
    // Past every address and account wait of the password step (those are capped at 60 s)...
    now += 61_000;
    const step = await passwordStep('alice', '198.51.100.13');
    const refused = await submitCode(step, rightCode());
    expect(refused.location.searchParams.get('error')).toBe('throttled');
    const retry = Number(refused.location.searchParams.get('retry'));
    // ...but 13 wrong codes wait 2^(13-6) = 128 s from the last one.
    expect(retry).toBe(128 - 61);
    expect(refused.page).toContain(`Too many attempts. Try again in 2 minutes.`); // 67 s, rounded up

    // After the wait (a new interaction: the clock here runs far ahead of the one oidc-provider dates
    // interactions by, so a pending one would have expired), the right code is taken and clears the count.
    now += retry * 1000;
    const accepted = await submitCode(await passwordStep('alice', '198.51.100.14'), rightCode());
    expect(accepted.location.pathname).toMatch(/^\/auth\//);
    const alice = await auth.store.users.findByUsername('alice');
    expect(await auth.store.throttle.secondFactorFailures(String(alice?.id))).toBeUndefined();
  });

  it('locks after 20 wrong codes in a row, even from the owner’s known address, until an admin resets', async () => {
    await addUser(auth.store, {
      username: 'carol',
      email: 'carol@example.com',
      password: PASSWORD,
      totpSecret: TEST_TOTP_SECRET,
    });
    now += 60_000;
    const url = authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge);
    const home = '198.51.100.60';
    const carol = { username: 'carol', password: PASSWORD, code: rightCode };
    const owner = new BrowserAt(home);
    expect((await signIn(owner, url, auth.issuer, carol)).searchParams.has('code')).toBe(true);
    const silently = async () => {
      const again = authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, { prompt: 'none' });
      const final = await owner.follow(await owner.get(again), new URL(auth.issuer).origin);
      return new URL(final.url).searchParams.has('code');
    };
    expect(await silently()).toBe(true);

    await wrongCodes('carol', SECOND_FACTOR_POLICY.lockAfter, 100);
    // docs/security.md 49: whoever ran up the codes has the password; the lock ends every session of the account
    // (and sends the clients' back-channel logouts, backchannel/account-backchannel-logout.test.ts).
    expect(await silently()).toBe(false);
    now += 24 * 3600_000;
    const locked = await submitCode(await passwordStep('carol', home), rightCode());
    expect(locked.location.searchParams.get('error')).toBe('locked');
    expect(locked.page).toContain(
      'Too many wrong codes. Sign-in to this account is blocked until an administrator',
    );

    // `gatehouse users passwd` (or `users totp`): the lock is lifted with the new password.
    await setUserPassword(auth.store, 'carol', `${PASSWORD} again`);
    now += 60_000;
    const signedIn = await signIn(new BrowserAt(home), url, auth.issuer, {
      ...carol,
      password: `${PASSWORD} again`,
    });
    expect(signedIn.searchParams.has('code')).toBe(true);
  });
});
