import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { rawRequest } from '../testing/raw-request.js';
import { startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';

const DISCOVERY = '/.well-known/openid-configuration';

/** Every member of a discovery document whose value is a URL (issuer and endpoints). */
function urlsIn(document: Record<string, unknown>): string[] {
  return Object.values(document).filter(
    (value): value is string => typeof value === 'string' && /^https?:\/\//.test(value),
  );
}

// docs/security.md 52: the endpoints the provider announces (and every absolute URL it builds) come from the
// configured issuer, never from the request's Host; a request for another host is refused with 421.
describe('the Host header never makes a URL', () => {
  let auth: TestAuthServer;
  let port: number;
  beforeAll(async () => {
    auth = await startTestAuthServer();
    port = auth.server.port;
  });
  afterAll(async () => {
    await auth.close();
  });

  it('refuses a request for another host with 421, never echoing it', async () => {
    for (const accept of ['application/json', 'text/html']) {
      const response = await rawRequest(
        port,
        `GET ${DISCOVERY} HTTP/1.1\r\nHost: evil.example\r\nAccept: ${accept}`,
      );
      expect(response.status).toBe(421);
      expect(response.body).not.toContain('evil.example');
      expect(response.body).toContain('misdirected_request');
    }
    // An absolute-form target names the host too (RFC 9112 3.2.2), whatever the Host header says.
    const absolute = await rawRequest(
      port,
      `GET http://evil.example${DISCOVERY} HTTP/1.1\r\nHost: localhost:${port}\r\nAccept: application/json`,
    );
    expect(absolute.status).toBe(421);
    expect(absolute.body).not.toContain('evil.example');
    // Garbage is no host of ours either; the health probes answer whatever the Host.
    expect((await rawRequest(port, `GET ${DISCOVERY} HTTP/1.1\r\nHost: localhost:${port}/x`)).status).toBe(
      421,
    );
    expect((await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: 10.0.0.7:4000')).status).toBe(200);
  });

  it('lists only issuer URLs in discovery, also when reached at a loopback alias, with its own Cache-Control', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const response = await rawRequest(port, `GET ${DISCOVERY} HTTP/1.1\r\nHost: ${host}`);
      expect(response.status, host).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      const urls = urlsIn(JSON.parse(response.body) as Record<string, unknown>);
      expect(urls.length).toBeGreaterThan(5);
      for (const url of urls)
        expect(url.startsWith(`${auth.issuer}/`) || url === auth.issuer, url).toBe(true);
    }
  });

  it('sends a browser that came through an alias back to issuer URLs after the password', async () => {
    const browser = new TestBrowser();
    const alias = auth.issuer.replace('localhost', '127.0.0.1');
    const login = await startLogin(browser, alias);
    const signedIn = await browser.post(login.action, {
      username: 'bob',
      password: 'correct horse battery staple',
    });
    expect(signedIn.status).toBe(303);
    expect(String(signedIn.headers.get('location'))).toMatch(new RegExp(`^${auth.issuer}/auth/`));
  });
});

describe('behind a trusted proxy', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer({
      env: { AUTH_TRUST_PROXY: 'true', AUTH_ISSUER: 'https://auth.example.test' },
    });
  });
  afterAll(async () => {
    await auth.close();
  });

  it('uses neither the Host the proxy sent nor X-Forwarded-Host: only the issuer, https included', async () => {
    const response = await rawRequest(
      auth.server.port,
      `GET ${DISCOVERY} HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: http`,
    );
    expect(response.status).toBe(200);
    const document = JSON.parse(response.body) as Record<string, unknown>;
    expect(document.issuer).toBe('https://auth.example.test');
    expect(document.token_endpoint).toBe('https://auth.example.test/token');
    for (const url of urlsIn(document)) expect(url.startsWith('https://auth.example.test'), url).toBe(true);
  });
});
