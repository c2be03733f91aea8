import { FAVICON_PATH } from '@gatehouse/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers.js';
import { TestBrowser } from '../testing/browser.js';
import { startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';

// Regression: browsers asked for /favicon.ico on every page and logged the 404 as a console error.
describe('favicon', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
  });
  afterAll(async () => {
    await auth.close();
  });

  it('links a same-origin SVG icon from every page', async () => {
    const link = `<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">`;
    expect(CONTENT_SECURITY_POLICY).toContain("img-src 'self'");
    expect((await startLogin(new TestBrowser(), auth.issuer)).html).toContain(link);
    for (const path of ['/', '/no-such-page', '/auth?client_id=nope']) {
      const page = await fetch(new URL(path, auth.issuer), { headers: { accept: 'text/html' } });
      expect(await page.text()).toContain(link);
    }
  });

  it.each([FAVICON_PATH, '/favicon.ico'])('serves the icon at %s', async (path) => {
    const response = await fetch(new URL(path, auth.issuer));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const svg = await response.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|href=|url\(/);
    const head = await fetch(new URL(path, auth.issuer), { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});
