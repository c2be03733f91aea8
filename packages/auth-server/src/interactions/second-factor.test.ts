import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formAction, TestBrowser } from '../testing/browser.js';
import { startLogin } from '../testing/sign-in.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
  TEST_TOTP_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';

const PASSWORD = 'correct horse battery staple';
/** Middle of a 30 s step, far from any boundary, so "the same step" is unambiguous. */
const T0 = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

describe('second factor (TOTP)', () => {
  let auth: TestAuthServer;
  let now = T0;
  // Each test starts an hour later than the previous one, so throttling counters from earlier failures have
  // reset (policy: an hour idle) and TOTP steps move forward; still mid-step. (The account's wrong-code count,
  // SECOND_FACTOR_POLICY, never resets by time: these tests stay within its 5 free wrong codes.)
  let base = T0 - 3_600_000;
  beforeEach(() => {
    base += 3_600_000;
    now = base;
  });
  beforeAll(async () => {
    auth = await startTestAuthServer({ nowMs: () => now });
  });
  afterAll(async () => {
    await auth.close();
  });

  /** Signs alice's password in; returns the code form's action. */
  async function passwordStep(browser: TestBrowser) {
    const login = await startLogin(browser, auth.issuer);
    const response = await browser.post(login.action, { username: 'alice', password: PASSWORD });
    expect(response.status).toBe(303);
    const pageUrl = new URL(String(response.headers.get('location')), login.url).href;
    const html = await (await browser.get(pageUrl)).text();
    expect(html).toMatch(/<label for="code">Authentication code/);
    expect(html).toContain('inputmode="numeric" autocomplete="one-time-code"');
    expect(html).toContain('>Verify</button>');
    return { action: formAction(html, pageUrl), pageUrl };
  }

  async function submitCode(browser: TestBrowser, action: string, code: string) {
    const response = await browser.post(action, { code });
    expect(response.status).toBe(303);
    return String(response.headers.get('location'));
  }

  /** Whether `browser` holds a signed-in session: prompt=none succeeds only then (OIDC Core 3.1.2.1). */
  async function signedIn(browser: TestBrowser): Promise<boolean> {
    const login = await browser.follow(
      await browser.get(
        `${auth.issuer}/auth?${new URLSearchParams({
          client_id: 'first-party',
          response_type: 'code',
          scope: 'openid',
          redirect_uri: REDIRECT_URI,
          prompt: 'none',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        })}`,
      ),
      new URL(auth.issuer).origin,
    );
    const url = new URL(login.url);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
    return url.searchParams.has('code');
  }

  // docs/security.md 30: the right password alone gives no session; a wrong or missing code neither.
  it('gives no session for a right password with a missing or wrong code', async () => {
    const browser = new TestBrowser();
    const { action } = await passwordStep(browser);
    expect(await signedIn(browser)).toBe(false);
    expect(await submitCode(browser, action, '')).toMatch(/\?error=code$/);
    const wrong = totpCode(TEST_TOTP_SECRET, base) === '000000' ? '111111' : '000000';
    const location = await submitCode(browser, action, wrong);
    expect(location).toMatch(/\?error=code$/);
    const page = await (await browser.get(new URL(location, auth.issuer).href)).text();
    expect(page).toContain('Invalid code');
    expect(await signedIn(browser)).toBe(false);
  });

  // docs/security.md 30: the code step belongs to the interaction whose password was checked, in that browser.
  it('accepts the code only in the same interaction and browser', async () => {
    const victim = new TestBrowser();
    const { action } = await passwordStep(victim);

    // Another browser, with its own interaction cookie but not the victim's: the victim's URL is refused.
    const attacker = new TestBrowser();
    const own = await startLogin(attacker, auth.issuer);
    const forged = await attacker.post(action, { code: totpCode(TEST_TOTP_SECRET, now) });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('session_not_found');

    // Its own interaction never passed the password step: a code there leads back to the password form.
    const ownTotp = own.action.replace(/\/login$/, '/totp');
    const back = await attacker.post(ownTotp, { code: totpCode(TEST_TOTP_SECRET, now) });
    expect(back.status).toBe(303);
    expect(String(back.headers.get('location'))).toBe(new URL(own.url).pathname);
    expect(await signedIn(attacker)).toBe(false);
  });

  // Interaction CSRF: a cross-site form POST carries no interaction cookie (SameSite=Lax, path-bound).
  it('refuses an interaction POST from a browser without that interaction cookie', async () => {
    const browser = new TestBrowser();
    const { action } = await startLogin(browser, auth.issuer);
    const response = await new TestBrowser().post(action, { username: 'bob', password: PASSWORD });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('session_not_found');
  });

  // docs/security.md 31 (RFC 6238 5.2): one step of drift at most; each code accepted once, even within its step.
  it('refuses more than one step of drift and accepts one step', async () => {
    const browser = new TestBrowser();
    const { action } = await passwordStep(browser);
    expect(await submitCode(browser, action, totpCode(TEST_TOTP_SECRET, base - 60_000))).toMatch(
      /error=code/,
    );
    expect(await submitCode(browser, action, totpCode(TEST_TOTP_SECRET, base + 60_000))).toMatch(
      /error=code/,
    );
    const resume = await submitCode(browser, action, totpCode(TEST_TOTP_SECRET, base - 30_000));
    expect(resume).toMatch(/\/auth\//);
    await browser.follow(await browser.get(new URL(resume, auth.issuer).href), new URL(auth.issuer).origin);
    expect(await signedIn(browser)).toBe(true);
  });

  it('accepts a code once only, even within its time step', async () => {
    now = base + 5_000;
    const first = new TestBrowser();
    const one = await passwordStep(first);
    expect(await submitCode(first, one.action, totpCode(TEST_TOTP_SECRET, now))).toMatch(/\/auth\//);

    now = base + 10_000;
    const second = new TestBrowser();
    const two = await passwordStep(second);
    const location = await submitCode(second, two.action, totpCode(TEST_TOTP_SECRET, now));
    expect(location).toMatch(/\?error=code_used$/);
    expect(await signedIn(second)).toBe(false);
    // Issue 11, finding 7: said as what it is, not "Invalid code".
    const page = await (await second.get(new URL(location, auth.issuer).href)).text();
    expect(page).toContain('This code was already used; wait for the next one.');
    expect(page).not.toContain('Invalid code');
  });
});
