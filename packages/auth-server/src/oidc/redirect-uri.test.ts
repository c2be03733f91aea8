import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair } from '../testing/sign-in.js';
import { REDIRECT_URI, startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';

// docs/security.md 24 (RFC 9700 4.1.3, OAuth 2.1 4.1.1): a redirect_uri that is not an exact registered match gets
// our error page and no redirect, so a code can never be sent to an attacker-chosen URL.
describe('redirect_uri exact matching', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
  });
  afterAll(async () => {
    await auth.close();
  });

  const variants: Array<[string, string | undefined, string]> = [
    ['added query', `${REDIRECT_URI}?next=https://evil.example`, 'invalid_redirect_uri'],
    ['trailing slash', `${REDIRECT_URI}/`, 'invalid_redirect_uri'],
    ['different case', REDIRECT_URI.replace('/cb', '/CB'), 'invalid_redirect_uri'],
    ['fragment', `${REDIRECT_URI}#frag`, 'invalid_redirect_uri'],
    ['another host', 'https://evil.example/cb', 'invalid_redirect_uri'],
    ['nothing (even with one registered)', undefined, 'invalid_request'],
  ];

  it.each(variants)(
    'refuses a redirect_uri with %s: error page, no redirect',
    async (_name, redirectUri, code) => {
      const { challenge } = pkcePair();
      const response = await new TestBrowser().get(
        authorizeUrl(auth.issuer, 'first-party', challenge, { redirect_uri: redirectUri }),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      const html = await response.text();
      expect(html).toContain(`<code>${code}</code>`);
      // In words for people, never oidc-provider's developer text; the way back is the client's registered
      // post-logout URI, never the address the request asked for.
      expect(html).toContain(
        code === 'invalid_redirect_uri'
          ? '<h1>Unknown return address</h1>'
          : '<h1>This sign-in link is not valid</h1>',
      );
      expect(html).not.toMatch(/did not match|missing required parameter|registered redirect_uris/);
      expect(html).toContain('<a class="button" href="http://127.0.0.1:9/">Back to Test App</a>');
      expect(html).not.toContain('evil.example');
      expect(html).not.toMatch(/https?:\/\/(?!localhost|127\.0\.0\.1)[^"]*\.(css|js|woff)/);
    },
  );

  it('accepts the exact registered redirect_uri', async () => {
    const { challenge } = pkcePair();
    const response = await new TestBrowser().get(authorizeUrl(auth.issuer, 'first-party', challenge));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/interaction\//);
  });
});
