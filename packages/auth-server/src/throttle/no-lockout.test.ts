import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBrowser } from '../testing/browser.js';
import { BrowserAt } from '../testing/browser-at.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_TOTP_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';
import { DEVICE_COOKIE } from './device-cookie.js';

// docs/security.md 32, "without an easy lock-out of someone else's account": an attacker spraying wrong passwords
// for alice from many addresses slows guessing, but alice still signs in from an address she used before.
describe('no lock-out by a distributed flood', () => {
  let auth: TestAuthServer;
  // Mid-step of a 30 s TOTP window; moved by whole steps only, so every code is unambiguous.
  let now = 1_800_000_015_000;
  beforeAll(async () => {
    // The flood starts more sign-ins per address and minute of this clock than the per-address limit on
    // authorization requests allows (authorization-rate-limit.test.ts): not what these tests are about.
    auth = await startTestAuthServer({
      nowMs: () => now,
      env: { AUTH_TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '0' },
    });
  });
  afterAll(async () => {
    await auth.close();
  });

  const alice = (browser: TestBrowser) =>
    signIn(browser, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, {
      username: 'alice',
      password: 'correct horse battery staple',
      code: () => totpCode(TEST_TOTP_SECRET, now),
    });

  it('lets alice in from her known address at once, and from a new one after at most 60 s', async () => {
    expect((await alice(new BrowserAt('198.51.100.50'))).searchParams.has('code')).toBe(true);

    now += 60_000;
    for (let i = 0; i < 30; i++) {
      const attacker = new BrowserAt(`203.0.113.${i}`);
      const { action } = await startLogin(attacker, auth.issuer);
      await attacker.post(action, { username: 'alice', password: `guess ${i}` });
    }

    // Her known address: no wait at all.
    expect((await alice(new BrowserAt('198.51.100.50'))).searchParams.has('code')).toBe(true);

    // A new address: the account-wide delay applies (her success above cleared it: 15 new failures), capped at 60 s.
    now += 30_000;
    for (let i = 30; i < 45; i++) {
      const attacker = new BrowserAt(`203.0.113.${i}`);
      const { action } = await startLogin(attacker, auth.issuer);
      await attacker.post(action, { username: 'alice', password: `guess ${i}` });
    }
    const elsewhere = new BrowserAt('192.0.2.77');
    const { action } = await startLogin(elsewhere, auth.issuer);
    const refused = await elsewhere.post(action, {
      username: 'alice',
      password: 'correct horse battery staple',
    });
    const retry = Number(
      new URL(String(refused.headers.get('location')), auth.issuer).searchParams.get('retry'),
    );
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    now += retry * 1000;
    expect((await alice(elsewhere)).searchParams.has('code')).toBe(true);
  });
});

// docs/security.md 32 at an address the owner never used (a new device on a known browser, a changed DHCP, mobile or
// CGNAT address, travel): refused attempts cost nothing, so a flood from many addresses keeps the account counter
// at its 60 s cap as long as it lasts. A device cookie from an earlier completed sign-in (OWASP "Slow Down
// Online Guessing Attacks with Device Cookies") lets her in at once; nothing else does.
describe('no lock-out by a distributed flood, with a device cookie', () => {
  let auth: TestAuthServer;
  let now = 1_800_000_015_000;
  beforeAll(async () => {
    // The flood starts more sign-ins per address and minute of this clock than the per-address limit on
    // authorization requests allows (authorization-rate-limit.test.ts): not what these tests are about.
    auth = await startTestAuthServer({
      nowMs: () => now,
      env: { AUTH_TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '0' },
    });
  });
  afterAll(async () => {
    await auth.close();
  });

  const PASSWORD = 'correct horse battery staple';
  let nextAddress = 0;
  /** A browser at an address never used before, carrying `deviceCookie` (and no session) when given. */
  const freshBrowser = (deviceCookie?: string) => {
    const browser = new BrowserAt(`192.0.2.${nextAddress++}`);
    if (deviceCookie !== undefined) browser.cookies.set(DEVICE_COOKIE, { value: deviceCookie, path: '/' });
    return browser;
  };
  const deviceCookieOf = (browser: TestBrowser) => {
    const value = browser.cookies.get(DEVICE_COOKIE)?.value;
    if (!value) throw new Error('no device cookie');
    return value;
  };
  const signInAs = (browser: TestBrowser, username: string) =>
    signIn(browser, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, {
      username,
      password: PASSWORD,
      code: () => totpCode(TEST_TOTP_SECRET, now),
    });
  const flood = async (username: string) => {
    for (let i = 0; i < 30; i++) {
      const attacker = new BrowserAt(`203.0.113.${i}`);
      const { action } = await startLogin(attacker, auth.issuer);
      await attacker.post(action, { username, password: `guess ${i}` });
    }
  };
  /** The `error` a password attempt from `browser` is answered with ('' when it was accepted). */
  const attempt = async (browser: TestBrowser, username: string, password: string) => {
    const { action } = await startLogin(browser, auth.issuer);
    const response = await browser.post(action, { username, password });
    const location = new URL(String(response.headers.get('location')), auth.issuer);
    return location.searchParams.get('error') ?? '';
  };

  it('lets alice in at once from a new address with the device cookie of her earlier sign-in (password + code)', async () => {
    const laptop = new BrowserAt('198.51.100.50');
    expect((await signInAs(laptop, 'alice')).searchParams.has('code')).toBe(true);

    now += 60_000;
    await flood('alice');
    // Without the cookie, at a new address: the account counter holds her off.
    expect(await attempt(freshBrowser(), 'alice', PASSWORD)).toBe('throttled');
    // The same browser at a new address (no session: only the device cookie survives): in at once, code and all.
    expect((await signInAs(freshBrowser(deviceCookieOf(laptop)), 'alice')).searchParams.has('code')).toBe(
      true,
    );
  });

  it('gives no exemption for another account’s cookie, a tampered one, or one past its five failures', async () => {
    const bobsLaptop = freshBrowser();
    const bobsPhone = freshBrowser();
    const alicesLaptop = freshBrowser();
    now += 30_000;
    for (const [browser, username] of [
      [bobsLaptop, 'bob'],
      [bobsPhone, 'bob'],
      [alicesLaptop, 'alice'],
    ] as const) {
      expect((await signInAs(browser, username)).searchParams.has('code')).toBe(true);
    }
    await flood('bob');

    expect(await attempt(freshBrowser(deviceCookieOf(alicesLaptop)), 'bob', PASSWORD)).toBe('throttled');
    const laptop = deviceCookieOf(bobsLaptop);
    // One character of the MAC changed.
    const at = laptop.length - 10;
    const tampered = `${laptop.slice(0, at)}${laptop[at] === 'A' ? 'B' : 'A'}${laptop.slice(at + 1)}`;
    expect(await attempt(freshBrowser(tampered), 'bob', PASSWORD)).toBe('throttled');

    // Five wrong passwords with it are checked (the cookie still exempts them), then it is spent.
    const wrong = [];
    for (let i = 0; i < 5; i++) wrong.push(await attempt(freshBrowser(laptop), 'bob', `wrong ${i}`));
    expect(wrong).toEqual(Array(5).fill('credentials'));
    expect(await attempt(freshBrowser(laptop), 'bob', PASSWORD)).toBe('throttled');

    // The same flood admits bob's other, unspent device cookie.
    expect(await attempt(freshBrowser(deviceCookieOf(bobsPhone)), 'bob', PASSWORD)).toBe('');
  });
});
