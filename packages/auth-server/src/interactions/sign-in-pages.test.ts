import { STYLESHEET_PATH } from '@gatehouse/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers.js';
import { TestBrowser } from '../testing/browser.js';
import { postChunked } from '../testing/post-chunked.js';
import { startLogin } from '../testing/sign-in.js';
import { spyHasher } from '../testing/spy-hasher.js';
import { startTestAuthServer, TEST_CLIENT_NAME, type TestAuthServer } from '../testing/test-auth-server.js';
import { addUser } from '../users/user-admin.js';

const PASSWORD = 'correct horse battery staple';
/** The PHC prefix of argon2id at OWASP's parameters (docs/security.md: m=19456 KiB, t=2, p=1). */
const OWASP_ARGON2ID = '$argon2id$v=19$m=19456,t=2,p=1$';

/** A PHC string's algorithm, version and parameters: everything before the salt. */
function parametersOf(phc: string): string {
  return `${phc.split('$').slice(0, 4).join('$')}$`;
}

describe('sign-in pages', () => {
  let auth: TestAuthServer;
  const hasher = spyHasher();
  beforeAll(async () => {
    auth = await startTestAuthServer({ hasher });
  });
  afterAll(async () => {
    await auth.close();
  });

  // docs/security.md 28 (RFC 9700 4.16, OWASP Clickjacking Defense): no framing by another site, strict CSP.
  it('serves every page with the strict headers and loads nothing from another origin', async () => {
    const { response, html } = await startLogin(new TestBrowser(), auth.issuer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('form-action');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<label for="username">Username/);
    expect(html).toMatch(/<label for="password">Password/);
    expect(html).toContain('>Sign in</button>');
    // Scripts only from this origin, none inline (the passkey ceremony: issue 14).
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => attributes)).toEqual([
      ' src="/assets/simplewebauthn-browser.js" defer',
      ' src="/assets/passkey.js" defer',
    ]);
    expect(scripts.map(([, , body]) => body)).toEqual(['', '']);
    expect(html.replace(/<script\b[^>]*><\/script>/g, '')).not.toMatch(/<script|https?:\/\//);
    for (const [, attributes] of scripts) {
      const script = await fetch(new URL(String(/src="([^"]+)"/.exec(String(attributes))?.[1]), auth.issuer));
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      // Nothing loaded from anywhere (the bundle's one URL is a documentation link in a console warning).
      expect(await script.text()).not.toMatch(
        /\bimport\s*\(|importScripts|\bfetch\s*\(|XMLHttpRequest|\.src\s*=/,
      );
    }
    expect(html).toContain(`href="${STYLESHEET_PATH}"`);
    const css = await fetch(new URL(STYLESHEET_PATH, auth.issuer));
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).not.toMatch(/@import|url\(/);

    for (const path of ['/', '/no-such-page']) {
      const page = await fetch(new URL(path, auth.issuer), { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(await page.text()).toContain('<html lang="en">');
    }

    const errorPage = await fetch(new URL('/auth?client_id=nope', auth.issuer));
    expect(errorPage.status).toBe(400);
    expect(errorPage.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(errorPage.headers.get('x-frame-options')).toBe('DENY');
    expect(await errorPage.text()).not.toMatch(/fonts\.googleapis|<style/);
  });

  // docs/security.md 28: 303 (never 307, which would re-POST the password to the next hop) after a credential POST.
  it('answers 303 to credential POSTs, failed or not', async () => {
    const browser = new TestBrowser();
    const wrong = await browser.post((await startLogin(browser, auth.issuer)).action, {
      username: 'bob',
      password: 'wrong password',
    });
    expect(wrong.status).toBe(303);
    const right = await browser.post((await startLogin(browser, auth.issuer)).action, {
      username: 'bob',
      password: PASSWORD,
    });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toMatch(/\/auth\//);
  });

  // docs/security.md 29 (OWASP Authentication Cheat Sheet): an unknown user costs a (dummy) hash too and gets the
  // same answer as a wrong password.
  // docs/security.md 30 (login CSRF): a page on another port of this host is same-site, so it gets the SameSite=Lax
  // interaction cookie; Fetch Metadata tells its posts apart from our own page's.
  it('refuses a sign-in POST a browser labels as sent from another origin, before hashing', async () => {
    const browser = new TestBrowser();
    const { action } = await startLogin(browser, auth.issuer);
    const before = hasher.verifyCalls;
    for (const site of ['same-site', 'cross-site']) {
      const refused = await browser.post(
        action,
        { username: 'bob', password: PASSWORD },
        { 'sec-fetch-site': site },
      );
      expect(refused.status).toBe(403);
      expect(refused.headers.get('location')).toBeNull();
      expect(refused.headers.get('set-cookie')).toBeNull();
      expect(await refused.text()).toContain('<code>cross_site_request</code>');
    }
    expect(hasher.verifyCalls).toBe(before);
    const own = await browser.post(
      action,
      { username: 'bob', password: PASSWORD },
      { 'sec-fetch-site': 'same-origin' },
    );
    expect(own.status).toBe(303);
    expect(hasher.verifyCalls).toBe(before + 1);
  });

  // OWASP XSS Prevention: what the authorization request carries (login_hint, an unknown message code) is
  // escaped or ignored, never reflected raw.
  it('never reflects request input raw into a page', async () => {
    const payload = '"><script>alert(1)</script>';
    const { html, url } = await startLogin(new TestBrowser(), auth.issuer, { login_hint: payload });
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const browser = new TestBrowser();
    const login = await startLogin(browser, auth.issuer);
    const withError = new URL(login.url);
    withError.searchParams.set('error', payload);
    withError.searchParams.set('retry', payload);
    const page = await (await browser.get(withError.href)).text();
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('alert(1)');
    expect(url).not.toContain('<script>');
  });

  it('answers an unknown user exactly like a wrong password, after hashing', async () => {
    const browser = new TestBrowser();
    const wrongLogin = await startLogin(browser, auth.issuer);
    const before = { verify: hasher.verifyCalls, hash: hasher.hashCalls };
    const wrong = await browser.post(wrongLogin.action, { username: 'bob', password: 'not the password' });
    expect(hasher.verifyCalls).toBe(before.verify + 1);

    const unknownLogin = await startLogin(browser, auth.issuer);
    const unknown = await browser.post(unknownLogin.action, {
      username: 'mallory',
      password: 'not the password',
    });
    expect(hasher.verifyCalls).toBe(before.verify + 2);
    // The same work as a wrong password: one verification, no extra hash, against a dummy of the same cost.
    expect(hasher.hashCalls).toBe(before.hash);
    const [bobsHash, dummy] = hasher.verifiedHashes.slice(-2);
    expect(bobsHash).toBe((await auth.store.users.findByUsername('bob'))?.passwordHash);
    expect(parametersOf(String(dummy))).toBe(OWASP_ARGON2ID);
    expect(parametersOf(String(dummy))).toBe(parametersOf(String(bobsHash)));
    expect(dummy).not.toBe(bobsHash);

    const strip = (response: Response, url: string) =>
      String(response.headers.get('location')).replace(new URL(url).pathname, '');
    expect(unknown.status).toBe(wrong.status);
    expect(strip(unknown, unknownLogin.url)).toBe(strip(wrong, wrongLogin.url));
    expect(strip(wrong, wrongLogin.url)).toBe('?error=credentials');
    const page = await (
      await browser.get(new URL(String(unknown.headers.get('location')), unknownLogin.url).href)
    ).text();
    expect(page).toContain('Invalid username or password');
  });

  it('names the application by its registered display name, not its client id', async () => {
    const { html } = await startLogin(new TestBrowser(), auth.issuer);
    expect(html).toContain(`to continue to <strong>${TEST_CLIENT_NAME}</strong>`);
    expect(html).not.toContain('first-party');
  });

  // The username typed stays in the form after a refusal, kept in the interaction record: the redirect's query
  // (browser history, proxy logs) carries only the message code, and another browser sees nothing of it.
  it('keeps the username filled in after a wrong password, without putting it in a URL', async () => {
    for (const username of ['bob', 'nobody-by-this-name', '"><script>alert(1)</script>']) {
      const browser = new TestBrowser();
      const login = await startLogin(browser, auth.issuer);
      const refused = await browser.post(login.action, { username, password: 'not the password' });
      const location = String(refused.headers.get('location'));
      expect(location).toBe(`${new URL(login.url).pathname}?error=credentials`);
      const page = await (await browser.get(new URL(location, login.url).href)).text();
      expect(page).toContain('Invalid username or password');
      expect(page).not.toContain('<script>');
      const value = /id="username"[^>]* value="([^"]*)"/.exec(page)?.[1];
      expect(
        value
          ?.replace(/&quot;/g, '"')
          .replace(/&gt;/g, '>')
          .replace(/&lt;/g, '<'),
      ).toBe(username);
      // The password field has the focus, since the username is there already.
      expect(page).toMatch(/id="password"[^>]* autofocus/);
      expect(page).not.toMatch(/id="username"[^>]* autofocus/);

      const stranger = await new TestBrowser().get(new URL(location, login.url).href);
      expect(stranger.status).toBe(400);
      expect(await stranger.text()).not.toContain(`value="${username}"`);
    }
  });

  it('says "Try again in 1 second", and minutes for long waits', async () => {
    const browser = new TestBrowser();
    const login = await startLogin(browser, auth.issuer);
    const say = async (retry: string) => {
      const url = new URL(login.url);
      url.searchParams.set('error', 'throttled');
      url.searchParams.set('retry', retry);
      return (await browser.get(url.href)).text();
    };
    expect(await say('1')).toContain('Too many attempts. Try again in 1 second.');
    expect(await say('8')).toContain('Too many attempts. Try again in 8 seconds.');
    expect(await say('900')).toContain('Too many attempts. Try again in 15 minutes.');
    expect(await say('toString')).toContain('Too many attempts. Try again in a few seconds.');
  });

  it('answers an unknown path with "Page not found" (404), an unknown client in plain words', async () => {
    const missing = await fetch(new URL('/no-such-page', auth.issuer), { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain('<h1>Page not found</h1>');
    expect(missingHtml).toContain('You can close this page.');
    expect(missingHtml).not.toContain('Something went wrong');

    const unknown = await fetch(new URL('/auth?client_id=%3Cb%3Enope', auth.issuer));
    expect(unknown.status).toBe(400);
    const unknownHtml = await unknown.text();
    expect(unknownHtml).toContain('<h1>Unknown application</h1>');
    expect(unknownHtml).toContain('<code>invalid_client</code>');
    // oidc-provider's own text and the request's input stay out of the page.
    expect(unknownHtml).not.toMatch(/client is invalid|client not found|nope/);
  });

  it('links an expired or foreign sign-in page back to the application that started it', async () => {
    const { action } = await startLogin(new TestBrowser(), auth.issuer);
    // Another browser: no interaction cookie, so no interaction for this request.
    const foreign = await new TestBrowser().post(action, { username: 'bob', password: PASSWORD });
    expect(foreign.status).toBe(400);
    const html = await foreign.text();
    expect(html).toContain('<h1>This sign-in page has expired</h1>');
    expect(html).toContain(`<a class="button" href="http://127.0.0.1:9/">Back to ${TEST_CLIENT_NAME}</a>`);

    const gone = await new TestBrowser().post(
      new URL('/interaction/no-such-interaction/login', auth.issuer).href,
      { username: 'bob', password: PASSWORD },
    );
    expect(gone.status).toBe(400);
    expect(await gone.text()).toContain('You can close this page.');
  });

  // docs/security.md 33 (NIST SP 800-63B 5.1.1.2): a huge password is refused before hashing; long passphrases work
  // and are not truncated.
  it('refuses a 1 MB password with 413 before hashing', async () => {
    const browser = new TestBrowser();
    const { action } = await startLogin(browser, auth.issuer);
    const before = { verify: hasher.verifyCalls, hash: hasher.hashCalls };
    const response = await browser.post(action, { username: 'bob', password: 'x'.repeat(1024 * 1024) });
    expect(response.status).toBe(413);
    expect(hasher.verifyCalls).toBe(before.verify);
    expect(hasher.hashCalls).toBe(before.hash);
  });

  // Without Content-Length only the limit applied while reading can stop a body; no test reached it before.
  // The 413 page must still arrive (with Connection: close), not a reset, and nothing may be hashed.
  it('refuses a 1 MB chunked body (no Content-Length) with the 413 page before hashing', async () => {
    for (const totalBytes of [17 * 1024, 1024 * 1024]) {
      const browser = new TestBrowser();
      const { action } = await startLogin(browser, auth.issuer);
      const before = { verify: hasher.verifyCalls, hash: hasher.hashCalls };
      const outcome = await postChunked(action, { cookie: browser.cookieHeader(action) }, totalBytes);
      expect(outcome).toMatchObject({ kind: 'response', status: 413 });
      if (outcome.kind !== 'response') return;
      expect(outcome.headers.get('connection')).toBe('close');
      expect(outcome.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(outcome.body).toContain('<code>request_too_large</code>');
      expect(hasher.verifyCalls).toBe(before.verify);
      expect(hasher.hashCalls).toBe(before.hash);
    }
  });

  it('refuses a password over 1024 characters (in a small body) without hashing', async () => {
    const browser = new TestBrowser();
    const { action } = await startLogin(browser, auth.issuer);
    const before = hasher.verifyCalls;
    const response = await browser.post(action, { username: 'bob', password: 'y'.repeat(1025) });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/\?error=credentials$/);
    expect(hasher.verifyCalls).toBe(before);
  });

  it('accepts a long passphrase whole and refuses it truncated or changed at the end', async () => {
    const passphrase = `${'a long passphrase with many words '.repeat(4)}and the end`;
    expect(passphrase.length).toBeGreaterThan(128);
    await addUser(auth.store, { username: 'carol', email: 'carol@example.com', password: passphrase });
    for (const attempt of [passphrase.slice(0, 72), `${passphrase.slice(0, -1)}D`]) {
      const browser = new TestBrowser();
      const response = await browser.post((await startLogin(browser, auth.issuer)).action, {
        username: 'carol',
        password: attempt,
      });
      expect(response.headers.get('location')).toMatch(/\?error=credentials$/);
    }
    const browser = new TestBrowser();
    const response = await browser.post((await startLogin(browser, auth.issuer)).action, {
      username: 'carol',
      password: passphrase,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/\/auth\//);
  });
});

// docs/security.md 29: the dummy hash is made before the server answers anything. Made on first use, the first
// unknown user after a start paid a hash as well as a verification (a timing tell), and a failed hash stayed a
// rejected promise that turned every later unknown user into a 500 (an enumeration oracle).
describe('the dummy hash for unknown users', () => {
  let auth: TestAuthServer;
  const hasher = spyHasher();
  beforeAll(async () => {
    auth = await startTestAuthServer({ hasher });
  });
  afterAll(async () => {
    await auth.close();
  });

  it('is ready at start, so the first attempt after a start, for an unknown user, costs one verification', async () => {
    expect(hasher.hashCalls).toBe(1);
    const browser = new TestBrowser();
    const { action } = await startLogin(browser, auth.issuer);
    const response = await browser.post(action, { username: 'mallory', password: 'not the password' });
    expect(response.headers.get('location')).toMatch(/\?error=credentials$/);
    expect(hasher.hashCalls).toBe(1);
    expect(hasher.verifyCalls).toBe(1);
    expect(parametersOf(String(hasher.verifiedHashes[0]))).toBe(OWASP_ARGON2ID);
  });
});
