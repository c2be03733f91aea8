import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formAction, TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_TOTP_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_POLICY, DeviceCookies } from './device-cookie.js';
import { SECOND_FACTOR_POLICY } from './second-factor-throttle.js';

// docs/security.md 32: a device cookie (OWASP "Slow Down Online Guessing Attacks with Device Cookies") lifts the
// account-wide delay only for a browser this server saw complete a sign-in to that very account.
describe('DeviceCookies', () => {
  const T = 1_800_000_000;
  const cookies = new DeviceCookies('a test key of 32 random bytes, base64url');

  it('trusts its own cookie for the account it was issued for, and no other', () => {
    const value = cookies.renew(undefined, 'id-alice', T);
    expect(cookies.deviceFor(value, 'id-alice', T + 60)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookies.deviceFor(value, 'id-bob', T + 60)).toBeUndefined();
    expect(new DeviceCookies('another key').deviceFor(value, 'id-alice', T + 60)).toBeUndefined();
  });

  it('refuses a tampered cookie: time, nonce or MAC changed', () => {
    const value = cookies.renew(undefined, 'id-alice', T);
    const [issuedAt = '', nonce = '', mac = ''] = value.split('.');
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    for (const tampered of [
      `${Number(issuedAt) + 86_400}.${nonce}.${mac}`,
      `${issuedAt}.${flip(nonce, 3)}.${mac}`,
      `${issuedAt}.${nonce}.${flip(mac, 10)}`,
      `${issuedAt}.${nonce}`,
      '',
    ]) {
      expect(cookies.deviceFor(tampered, 'id-alice', T)).toBeUndefined();
    }
  });

  it('expires after 90 days, whatever the browser kept', () => {
    const value = cookies.renew(undefined, 'id-alice', T);
    expect(cookies.deviceFor(value, 'id-alice', T + DEVICE_COOKIE_POLICY.maxAgeSeconds - 1)).toBeDefined();
    expect(cookies.deviceFor(value, 'id-alice', T + DEVICE_COOKIE_POLICY.maxAgeSeconds)).toBeUndefined();
  });

  it('keeps one entry per account, renews the account’s with a new device id, and holds at most five', () => {
    let value = cookies.renew(undefined, 'id-alice', T);
    const alice = cookies.deviceFor(value, 'id-alice', T);
    value = cookies.renew(value, 'id-bob', T + 1);
    expect(cookies.deviceFor(value, 'id-alice', T + 2)).toBe(alice);
    value = cookies.renew(value, 'id-alice', T + 2);
    const renewed = cookies.deviceFor(value, 'id-alice', T + 2);
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(alice);
    expect(value.split('~')).toHaveLength(2);
    for (let i = 0; i < 5; i++) value = cookies.renew(value, `id-${i}`, T + 3 + i);
    expect(value.split('~')).toHaveLength(DEVICE_COOKIE_POLICY.maxAccounts);
    // The least recently signed-in accounts (alice and bob) made room.
    expect(cookies.deviceFor(value, 'id-alice', T + 10)).toBeUndefined();
    expect(cookies.deviceFor(value, 'id-4', T + 10)).toBeDefined();
  });

  it('ignores what it did not issue (junk entries, an oversized value)', () => {
    const value = cookies.renew(undefined, 'id-alice', T);
    expect(cookies.deviceFor(`junk~${value}`, 'id-alice', T)).toBeDefined();
    expect(cookies.deviceFor(`${'x'.repeat(1000)}~${value}`, 'id-alice', T)).toBeUndefined();
    expect(cookies.renew(`junk~${value}`, 'id-bob', T).split('~')).toHaveLength(2);
  });
});

describe('the device cookie at the sign-in form', () => {
  let auth: TestAuthServer;
  // Mid-step of a 30 s TOTP window, moved by whole steps only: the code cannot go stale mid-test.
  let now = 1_800_000_015_000;
  beforeAll(async () => {
    // More than 60 sign-ins are started here within one minute of this clock: the per-address limit on
    // authorization requests (authorization-rate-limit.test.ts) is not what these tests are about.
    auth = await startTestAuthServer({ nowMs: () => now, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(async () => {
    await auth.close();
  });

  const deviceCookieOf = (response: Response) =>
    response.headers.getSetCookie().find((line) => line.startsWith(`${DEVICE_COOKIE}=`));

  it('is set once the sign-in completes, with its attributes: host-only, Secure, HttpOnly, Lax, 90 days', async () => {
    const browser = new TestBrowser();
    const wrong = await startLogin(browser, auth.issuer);
    const refused = await browser.post(wrong.action, { username: 'bob', password: 'not the password' });
    expect(deviceCookieOf(refused)).toBeUndefined();

    const { action } = await startLogin(browser, auth.issuer);
    const signedIn = await browser.post(action, {
      username: 'bob',
      password: 'correct horse battery staple',
    });
    expect(signedIn.status).toBe(303);
    const line = String(deviceCookieOf(signedIn));
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    expect(pair).toMatch(new RegExp(`^${DEVICE_COOKIE}=\\d+\\.[\\w-]{22}\\.[\\w-]{43}$`));
    expect(attributes.sort()).toEqual(
      ['HttpOnly', 'Max-Age=7776000', 'Path=/', 'SameSite=Lax', 'Secure'].sort(),
    );
  });

  it('is not set after the password alone for a user with a second factor, only after the code', async () => {
    const browser = new TestBrowser();
    const { action } = await startLogin(browser, auth.issuer);
    const password = await browser.post(action, {
      username: 'alice',
      password: 'correct horse battery staple',
    });
    expect(password.status).toBe(303);
    expect(deviceCookieOf(password)).toBeUndefined();
    const codePage = await browser.follow(password, new URL(auth.issuer).origin);
    const html = await codePage.response.text();
    expect(html).toContain('name="code"');

    const totpAction = formAction(html, codePage.url);
    const wrongCode = totpCode(TEST_TOTP_SECRET, now) === '000000' ? '111111' : '000000';
    expect(deviceCookieOf(await browser.post(totpAction, { code: wrongCode }))).toBeUndefined();
    const signedIn = await browser.post(totpAction, { code: totpCode(TEST_TOTP_SECRET, now) });
    expect(signedIn.status).toBe(303);
    expect(deviceCookieOf(signedIn)).toMatch(new RegExp(`^${DEVICE_COOKIE}=`));
    expect(browser.cookies.has(DEVICE_COOKIE)).toBe(true);
  });

  it('leaves the second-factor counter in force: a locked account stays locked for a trusted browser', async () => {
    now += 30_000;
    const laptop = new TestBrowser();
    await signIn(laptop, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, {
      username: 'alice',
      password: 'correct horse battery staple',
      code: () => totpCode(TEST_TOTP_SECRET, now),
    });
    const alice = await auth.store.users.findByUsername('alice');
    for (let i = 0; i < SECOND_FACTOR_POLICY.lockAfter; i++)
      await auth.store.throttle.recordSecondFactorFailure(String(alice?.id), Math.floor(now / 1000));

    now += 30_000;
    // The same browser, its session gone, only the device cookie kept.
    const browser = new TestBrowser();
    browser.cookies.set(DEVICE_COOKIE, {
      value: String(laptop.cookies.get(DEVICE_COOKIE)?.value),
      path: '/',
    });
    const { action } = await startLogin(browser, auth.issuer);
    const codeStep = await browser.follow(
      await browser.post(action, { username: 'alice', password: 'correct horse battery staple' }),
      new URL(auth.issuer).origin,
    );
    const refused = await browser.post(formAction(await codeStep.response.text(), codeStep.url), {
      code: totpCode(TEST_TOTP_SECRET, now),
    });
    expect(refused.headers.get('location')).toMatch(/\?error=locked$/);
    expect(deviceCookieOf(refused)).toBeUndefined();
  });
});
