import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers.js';
import { formAction, TestBrowser } from '../testing/browser.js';
import { authorizeUrl, openInteraction, pkcePair, signIn } from '../testing/sign-in.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
  TEST_CLIENT_NAME,
  TEST_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';

const bob = { username: 'bob', password: 'correct horse battery staple' };

describe('consent and logout pages', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
  });
  afterAll(async () => {
    await auth.close();
  });

  it('shows a third-party client a real consent page; Deny returns access_denied', async () => {
    const browser = new TestBrowser();
    const url = authorizeUrl(auth.issuer, 'third-party', pkcePair().challenge);
    const login = await openInteraction(browser, url, auth.issuer);
    const posted = await browser.post(formAction(login.html, login.url), bob);
    const consent = await browser.follow(posted, new URL(auth.issuer).origin);
    const html = await consent.response.text();
    expect(html).toContain('>Allow</button>');
    expect(html).toContain('>Deny</button>');
    expect(html).toContain('third-party');
    const denyAction = /action="([^"]+\/abort)"/.exec(html)?.[1];
    const denied = await browser.post(new URL(String(denyAction), consent.url).href, {});
    expect(denied.status).toBe(303);
    const final = await browser.follow(denied, new URL(auth.issuer).origin);
    const redirected = new URL(final.url);
    expect(`${redirected.origin}${redirected.pathname}`).toBe(REDIRECT_URI);
    expect(redirected.searchParams.get('error')).toBe('access_denied');
  });

  it('lets a first-party client through without a consent page', async () => {
    const callback = await signIn(
      new TestBrowser(),
      authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge),
      auth.issuer,
      bob,
    );
    expect(callback.searchParams.has('code')).toBe(true);
  });

  // OIDC Core 11: offline_access comes with prompt=consent, as the API asks for it with OIDC_SESSION_CHECK_INTERVAL
  // on. A first-party client's standing grant answers it (no page, sign-in after sign-in); anyone else is asked.
  describe('offline_access with prompt=consent', () => {
    const offline = { scope: 'openid profile email offline_access', prompt: 'consent' };
    const origin = () => new URL(auth.issuer).origin;

    it('a first-party client is not asked, at the first sign-in nor the next, and is granted offline access', async () => {
      const browser = new TestBrowser();
      const first = pkcePair();
      const login = await openInteraction(
        browser,
        authorizeUrl(auth.issuer, 'first-party', first.challenge, offline),
        auth.issuer,
      );
      const posted = await browser.post(formAction(login.html, login.url), bob);
      const landed = new URL((await browser.follow(posted, origin())).url);
      // Straight back to the client with a code: no consent page in between.
      expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT_URI);
      const tokens = await tokenRequest(
        auth.issuer,
        codeGrant(String(landed.searchParams.get('code')), first.verifier),
      );
      expect(tokens.status).toBe(200);
      expect(String(tokens.json.scope).split(' ')).toContain('offline_access');
      expect(tokens.json.refresh_token).toEqual(expect.any(String));

      // The second sign-in, from the auth server's session: again no page.
      const again = await browser.follow(
        await browser.get(authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, offline)),
        origin(),
      );
      const back = new URL(again.url);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
      expect(back.searchParams.has('code')).toBe(true);
    });

    it('a third-party client is asked at every sign-in, the same browser session or not', async () => {
      const browser = new TestBrowser();
      const login = await openInteraction(
        browser,
        authorizeUrl(auth.issuer, 'third-party', pkcePair().challenge, offline),
        auth.issuer,
      );
      const posted = await browser.post(formAction(login.html, login.url), bob);
      const consent = await browser.follow(posted, origin());
      const consentHtml = await consent.response.text();
      expect(consentHtml).toContain('>Allow</button>');
      const allowed = await browser.post(formAction(consentHtml, consent.url), {});
      const landed = new URL((await browser.follow(allowed, origin())).url);
      expect(landed.searchParams.has('code')).toBe(true);

      const again = await browser.follow(
        await browser.get(authorizeUrl(auth.issuer, 'third-party', pkcePair().challenge, offline)),
        origin(),
      );
      expect(new URL(again.url).origin).toBe(origin());
      expect(await again.response.text()).toContain('>Allow</button>');
    });

    it('a first-party client that asks prompt=consent without offline_access is still asked', async () => {
      const browser = new TestBrowser();
      const login = await openInteraction(
        browser,
        authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, { prompt: 'consent' }),
        auth.issuer,
      );
      const posted = await browser.post(formAction(login.html, login.url), bob);
      const consent = await browser.follow(posted, origin());
      expect(new URL(consent.url).origin).toBe(origin());
      expect(await consent.response.text()).toContain('>Allow</button>');
    });
  });

  /** Signs bob in on `browser` for client first-party; returns its ID token (for id_token_hint). */
  async function signedInIdToken(browser: TestBrowser): Promise<string> {
    const { verifier, challenge } = pkcePair();
    const callback = await signIn(
      browser,
      authorizeUrl(auth.issuer, 'first-party', challenge),
      auth.issuer,
      bob,
    );
    const tokens = await tokenRequest(
      auth.issuer,
      codeGrant(String(callback.searchParams.get('code')), verifier),
    );
    return String(tokens.json.id_token);
  }

  /** Whether the browser still has a session at the auth server (prompt=none gets a code, OIDC Core 3.1.2.1). */
  async function signedInAtAuthServer(browser: TestBrowser): Promise<boolean> {
    const url = authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, { prompt: 'none' });
    const final = await browser.follow(await browser.get(url), new URL(auth.issuer).origin);
    return new URL(final.url).searchParams.has('code');
  }

  /** Opens RP-initiated logout (id_token_hint, post-logout URI); returns the page and its xsrf token. */
  async function logoutPage(browser: TestBrowser, idToken: string) {
    const endSession = new URL('/session/end', auth.issuer);
    endSession.searchParams.set('id_token_hint', idToken);
    endSession.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1:9/');
    const page = await browser.get(endSession.href);
    const html = await page.text();
    const xsrf = String(/name="xsrf" value="([^"]+)"/.exec(html)?.[1]);
    return { page, html, xsrf, action: formAction(html, endSession.href) };
  }

  // The app has already ended its own session when it sends the person here: the page says what each button
  // does, and both go back to the app's post-logout URI.
  it('says what each logout button does; "Sign out everywhere" also ends the auth server session', async () => {
    const browser = new TestBrowser();
    const { page, html, xsrf, action } = await logoutPage(browser, await signedInIdToken(browser));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain(`<h1>You are signed out of <strong>${TEST_CLIENT_NAME}</strong></h1>`);
    expect(html).toContain('Also sign out of the Gatehouse auth server on this browser?');
    expect(html).toContain('>Sign out everywhere</button>');
    expect(html).toContain('>Stay signed in to the auth server</button>');
    expect(html).toContain(`Either way, you go back to <strong>${TEST_CLIENT_NAME}</strong>.`);
    expect(html).not.toMatch(/<script|fonts\.googleapis/);
    const confirmed = await browser.post(action, { xsrf, logout: 'yes' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('http://127.0.0.1:9/');
    expect(await signedInAtAuthServer(browser)).toBe(false);
  });

  it('"Stay signed in to the auth server" returns to the app too, and keeps the auth server session', async () => {
    const browser = new TestBrowser();
    const { xsrf, action } = await logoutPage(browser, await signedInIdToken(browser));
    const stayed = await browser.post(action, { xsrf });
    expect(stayed.status).toBe(303);
    expect(stayed.headers.get('location')).toBe('http://127.0.0.1:9/');
    expect(await signedInAtAuthServer(browser)).toBe(true);
  });

  it('shows our own page after a logout without a redirect, with a way back to a known app', async () => {
    const browser = new TestBrowser();
    await signIn(browser, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, bob);
    const page = await browser.get(new URL('/session/end?client_id=first-party', auth.issuer).href);
    const html = await page.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const stayed = await browser.post(formAction(html, page.url), { xsrf: String(xsrf) });
    const done = await browser.follow(stayed, new URL(auth.issuer).origin);
    const doneHtml = await done.response.text();
    expect(doneHtml).toContain('You are signed out');
    expect(doneHtml).toContain(
      `<a class="button" href="http://127.0.0.1:9/">Back to ${TEST_CLIENT_NAME}</a>`,
    );
    expect(done.response.headers.get('x-frame-options')).toBe('DENY');

    // Without a client, the page asks plainly and, once signed out, says the page can be closed.
    const plain = await browser.get(new URL('/session/end', auth.issuer).href);
    const plainHtml = await plain.text();
    expect(plainHtml).toContain('<h1>Sign out?</h1>');
    const plainXsrf = /name="xsrf" value="([^"]+)"/.exec(plainHtml)?.[1];
    const out = await browser.post(formAction(plainHtml, plain.url), {
      xsrf: String(plainXsrf),
      logout: 'yes',
    });
    const outHtml = await (await browser.follow(out, new URL(auth.issuer).origin)).response.text();
    expect(outHtml).toContain('You are signed out');
    expect(outHtml).toContain('You can close this page.');
  });

  // docs/security.md 28: oidc-provider's own form_post page (response_mode=form_post) carries our headers too, with
  // only the hash of its one auto-submit script added to script-src.
  it('serves the form_post response page with the strict headers', async () => {
    const browser = new TestBrowser();
    await signIn(browser, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, bob);
    const url = authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, {
      response_mode: 'form_post',
    });
    const { response } = await browser.follow(await browser.get(url), new URL(auth.issuer).origin);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`action="${REDIRECT_URI}"`);
    const csp = String(response.headers.get('content-security-policy'));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  // docs/security.md A "never in a URL", E 27: a client secret in the query string (logged by every proxy) does not
  // authenticate. The refresh token is real and still valid, so the only reason left to refuse is the secret's
  // place: were query secrets accepted, this request would get tokens.
  it('refuses to authenticate the token endpoint with the secret in the URL query', async () => {
    const { verifier, challenge } = pkcePair();
    const callback = await signIn(
      new TestBrowser(),
      authorizeUrl(auth.issuer, 'first-party', challenge),
      auth.issuer,
      bob,
    );
    const tokens = await tokenRequest(
      auth.issuer,
      codeGrant(String(callback.searchParams.get('code')), verifier),
    );
    const refreshToken = String(tokens.json.refresh_token);
    expect(refreshToken).not.toBe('undefined');

    const query = new URLSearchParams({ client_id: 'first-party', client_secret: TEST_SECRET });
    const response = await fetch(`${auth.issuer}/token?${query.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    });
    // oidc-provider reads client credentials from the Authorization header or the body only (RFC 6749 2.3.1).
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'no client authentication mechanism provided',
    });

    // The same token with the secret where it belongs (HTTP Basic) works: it was the query that was refused.
    const proper = await tokenRequest(auth.issuer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(proper.status).toBe(200);
  });
});
