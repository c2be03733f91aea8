import { STYLESHEET } from '@gatehouse/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_PAGE_ASSETS } from '../http/login-error-page.js';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

/** What Chromium sends when a person follows a link. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const XSS = '"><script>alert(1)</script>';

// The simple flow's routes are where a person lands: a failure is a page (same look as the auth server's) with
// a way back to the app, not raw JSON; clients asking for JSON still get the JSON error.
describe('the simple flow shows people a page, not JSON', () => {
  let op: MisbehavingProvider;
  let t: TestApi;

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
    t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { RATE_LIMIT_PER_MINUTE: '0' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  /** A simple-flow login completed once: its callback query, now stale. */
  async function usedCallback(): Promise<{ jar: CookieJar; query: string }> {
    const jar = new CookieJar();
    const start = await t.request('/authorization-code/login', { jar });
    expect(start.status).toBe(302);
    const query = op.authorize(start.headers.get('location') ?? '').toString();
    const genuine = jar.copy();
    expect((await t.request(`/authorization-code/callback?${query}`, { jar })).status).toBe(302);
    return { jar: genuine, query };
  }

  function expectPage(response: Response, html: string) {
    expect(response.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('vary')).toMatch(/Accept/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(`<link rel="stylesheet" href="${LOGIN_PAGE_ASSETS.stylesheet}">`);
    expect(html).toContain(`<a class="button" href="${t.url}/">Back to the application</a>`);
    // Nothing the CSP would have to allow: no script, no inline style.
    expect(html).not.toMatch(/<script|<style|style=/);
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith('__Host-gh_refresh='))).toBe(
      false,
    );
  }

  it('answers a stale callback link with a page saying so, once logged, and JSON to JSON clients', async () => {
    const { jar, query } = await usedCallback();
    const before = t.logs.lines.length;
    const page = await t.request(`/authorization-code/callback?${query}`, {
      jar: jar.copy(),
      headers: { accept: BROWSER_ACCEPT },
    });
    const html = await page.text();
    expect(page.status).toBe(400);
    expectPage(page, html);
    expect(html).toContain('<h1>This sign-in link has expired</h1>');
    expect(html).toContain('<code>login_transaction_used</code>');
    const refusals = t.logs.lines.slice(before).filter((line) => line.includes('"request refused"'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('"error":"login_transaction_used"');

    for (const accept of ['application/json', '*/*', 'text/html, application/json']) {
      const json = await t.request(`/authorization-code/callback?${query}`, {
        jar: jar.copy(),
        headers: { accept },
      });
      expect(json.status, accept).toBe(400);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await json.json()) as { error: string }).error).toBe('login_transaction_used');
    }
  });

  // Issue 11, finding 11: a bare callback said "This sign-in link has expired", where the SPA's /callback says it
  // was opened without a sign-in response.
  it('answers a callback opened without a sign-in response with a page saying exactly that', async () => {
    const page = await t.request('/authorization-code/callback', { headers: { accept: BROWSER_ACCEPT } });
    const html = await page.text();
    expect(page.status).toBe(400);
    expectPage(page, html);
    expect(html).toContain('<h1>No sign-in response here</h1>');
    expect(html).toContain('opened without a sign-in response');
    // With only a state (a truncated link), it is the stale-link page as before.
    const truncated = await t.request('/authorization-code/callback?state=abc', {
      headers: { accept: BROWSER_ACCEPT },
    });
    expect(await truncated.text()).toContain('<h1>This sign-in link has expired</h1>');
  });

  it('never reflects what the link carries, and never the provider’s error text', async () => {
    const forged = await t.request(
      `/authorization-code/callback?code=${encodeURIComponent(XSS)}&state=${encodeURIComponent(XSS)}`,
      { headers: { accept: BROWSER_ACCEPT } },
    );
    const forgedHtml = await forged.text();
    expect(forged.status).toBe(400);
    expectPage(forged, forgedHtml);
    expect(forgedHtml).not.toContain('alert(1)');

    const jar = new CookieJar();
    const start = await t.request('/authorization-code/login', { jar });
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const denied = new URLSearchParams({
      error: 'access_denied',
      error_description: XSS,
      state,
      iss: op.issuer,
    });
    const page = await t.request(`/authorization-code/callback?${denied}`, {
      jar,
      headers: { accept: BROWSER_ACCEPT },
    });
    const html = await page.text();
    expect(page.status).toBe(403);
    expectPage(page, html);
    expect(html).toContain('<h1>Sign-in cancelled</h1>');
    expect(html).not.toContain('alert(1)');
  });

  it('serves the page’s stylesheet and icon from its own origin', async () => {
    const css = await t.request(LOGIN_PAGE_ASSETS.stylesheet);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toBe(STYLESHEET);
    const icon = await t.request(LOGIN_PAGE_ASSETS.icon);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  });
});

describe('the simple flow’s login route shows people a page too', () => {
  it('while the provider is unreachable (503), and past the rate limit (429, Retry-After)', async () => {
    const gone = await MisbehavingProvider.start();
    const issuer = gone.issuer;
    await gone.close();
    const down = await startTestApi({ issuer, publicUrl: await reservePublicUrl() });
    try {
      const page = await down.request('/authorization-code/login', { headers: { accept: BROWSER_ACCEPT } });
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<h1>The sign-in service is not answering</h1>');
    } finally {
      await down.close();
    }

    const op = await MisbehavingProvider.start();
    const t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { RATE_LIMIT_PER_MINUTE: '1' },
    });
    try {
      expect((await t.request('/authorization-code/login')).status).toBe(302);
      const limited = await t.request('/authorization-code/login', { headers: { accept: BROWSER_ACCEPT } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const html = await limited.text();
      expect(html).toContain('<h1>Too many attempts</h1>');
      expect(html).toContain(`href="${t.url}/"`);
    } finally {
      await t.close();
      await op.close();
    }
  });
});
