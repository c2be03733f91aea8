import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formAction, TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_TOTP_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';
import { totpCode } from '../totp/totp.js';
import { addUser, removeUser, setUserDisabled, setUserPassword, setUserTotpSecret } from './user-admin.js';

const PASSWORD = 'correct horse battery staple';

// OWASP Session Management Cheat Sheet: changing the password (`gatehouse users passwd`) or removing the user
// ends the sessions and tokens obtained before; a stolen refresh token or browser session must not outlive it.
describe('password change and user removal end the account’s sessions', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
    await addUser(auth.store, { username: 'dave', email: 'dave@example.com', password: PASSWORD });
    await addUser(auth.store, { username: 'erin', email: 'erin@example.com', password: PASSWORD });
    await addUser(auth.store, { username: 'fay', email: 'fay@example.com', password: PASSWORD });
  });
  afterAll(async () => {
    await auth.close();
  });

  /** Signs `username` in; returns the browser (with its session) and a refresh token. */
  async function signedIn(username: string) {
    const browser = new TestBrowser();
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl(auth.issuer, 'first-party', challenge, {
      scope: 'openid offline_access',
      prompt: 'consent',
    });
    const callback = await signIn(browser, url, auth.issuer, { username, password: PASSWORD });
    const tokens = await tokenRequest(
      auth.issuer,
      codeGrant(String(callback.searchParams.get('code')), verifier),
    );
    expect(tokens.status).toBe(200);
    expect(tokens.json.refresh_token).toEqual(expect.any(String));
    return { browser, refreshToken: String(tokens.json.refresh_token) };
  }

  /** Whether the browser's session still answers prompt=none with a code (OIDC Core 3.1.2.1). */
  async function stillSignedIn(browser: TestBrowser): Promise<boolean> {
    const url = authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, { prompt: 'none' });
    const final = await browser.follow(await browser.get(url), new URL(auth.issuer).origin);
    return new URL(final.url).searchParams.has('code');
  }

  it('a new password signs out every session and kills the refresh tokens', async () => {
    const { browser, refreshToken } = await signedIn('bob');
    expect(await stillSignedIn(browser)).toBe(true);
    await setUserPassword(auth.store, 'bob', `${PASSWORD} 2`);
    expect(await stillSignedIn(browser)).toBe(false);
    const refresh = await tokenRequest(auth.issuer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(refresh.status).toBe(400);
    expect(refresh.json.error).toBe('invalid_grant');
  });

  it('removing a user does the same', async () => {
    const { browser, refreshToken } = await signedIn('dave');
    expect(await removeUser(auth.store, 'dave')).toBe(true);
    expect(await stillSignedIn(browser)).toBe(false);
    const refresh = await tokenRequest(auth.issuer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(refresh.status).toBe(400);
    expect(await removeUser(auth.store, 'dave')).toBe(false);
  });

  it('a new TOTP secret does the same', async () => {
    const { browser, refreshToken } = await signedIn('erin');
    await setUserTotpSecret(auth.store, 'erin', TEST_TOTP_SECRET);
    expect(await stillSignedIn(browser)).toBe(false);
    const refresh = await tokenRequest(auth.issuer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(refresh.status).toBe(400);
  });

  it('a disabled user is signed out, cannot sign in (told so only with the right password), and can once enabled', async () => {
    const { browser, refreshToken } = await signedIn('fay');
    await setUserDisabled(auth.store, 'fay', true);
    expect(await stillSignedIn(browser)).toBe(false);
    expect(
      (await tokenRequest(auth.issuer, { grant_type: 'refresh_token', refresh_token: refreshToken })).status,
    ).toBe(400);

    // Each attempt in its own browser, holding its interaction cookie.
    const tryWith = async (password: string) => {
      const tab = new TestBrowser();
      const login = await startLogin(tab, auth.issuer);
      const response = await tab.post(login.action, { username: 'fay', password });
      const location = String(response.headers.get('location'));
      return { location, page: await (await tab.get(new URL(location, login.url).href)).text() };
    };
    expect((await tryWith('not the password')).location).toMatch(/\?error=credentials$/);
    const refused = await tryWith(PASSWORD);
    expect(refused.location).toMatch(/\?error=disabled$/);
    expect(refused.page).toContain('This account is disabled. Ask your administrator to enable it.');

    await setUserDisabled(auth.store, 'fay', false);
    expect((await signedIn('fay')).refreshToken).toEqual(expect.any(String));
  });

  // A password step passed before the change does not carry over: the interaction waiting for the code ends too.
  it('a new password ends a sign-in waiting for its second factor', async () => {
    const tab = new TestBrowser();
    const login = await startLogin(tab, auth.issuer);
    const passed = await tab.post(login.action, { username: 'alice', password: PASSWORD });
    const codePage = new URL(String(passed.headers.get('location')), login.url).href;
    const html = await (await tab.get(codePage)).text();
    expect(html).toContain('name="code"');
    await setUserPassword(auth.store, 'alice', `${PASSWORD} 2`);
    const code = await tab.post(formAction(html, codePage), { code: totpCode(TEST_TOTP_SECRET, Date.now()) });
    expect(code.status).toBe(400);
    expect(await code.text()).toContain('<code>session_not_found</code>');
  });
});
