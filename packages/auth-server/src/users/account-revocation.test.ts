import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../testing/sign-in.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';
import { addUser, removeUser, setUserPassword } from './user-admin.js';

const PASSWORD = 'correct horse battery staple';

// OWASP Session Management Cheat Sheet: changing the password (`gatehouse users passwd`) or removing the user
// ends the sessions and tokens obtained before; a stolen refresh token or browser session must not outlive it.
describe('password change and user removal end the account’s sessions', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
    await addUser(auth.store, { username: 'dave', email: 'dave@example.com', password: PASSWORD });
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
});
