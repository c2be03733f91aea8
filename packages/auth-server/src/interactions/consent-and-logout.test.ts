import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers.js';
import { formAction, TestBrowser } from '../testing/browser.js';
import { authorizeUrl, openInteraction, pkcePair, signIn } from '../testing/sign-in.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
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

  it('confirms RP-initiated logout on our page, then redirects to the registered post-logout URI', async () => {
    const browser = new TestBrowser();
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
    const endSession = new URL('/session/end', auth.issuer);
    endSession.searchParams.set('id_token_hint', String(tokens.json.id_token));
    endSession.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1:9/');
    const page = await browser.get(endSession.href);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('>Sign out</button>');
    expect(html).not.toMatch(/<script|fonts\.googleapis/);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const confirmed = await browser.post(formAction(html, endSession.href), {
      xsrf: String(xsrf),
      logout: 'yes',
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('http://127.0.0.1:9/');

    const after = await browser.get(new URL('/session/end', auth.issuer).href);
    expect(after.status).toBe(200);
  });

  it('shows our own page after a logout without a redirect', async () => {
    const browser = new TestBrowser();
    await signIn(browser, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, bob);
    const page = await browser.get(new URL('/session/end', auth.issuer).href);
    const html = await page.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const confirmed = await browser.post(formAction(html, page.url), { xsrf: String(xsrf), logout: 'yes' });
    const done = await browser.follow(confirmed, new URL(auth.issuer).origin);
    const doneHtml = await done.response.text();
    expect(doneHtml).toContain('You are signed out');
    expect(done.response.headers.get('x-frame-options')).toBe('DENY');
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
