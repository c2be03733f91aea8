import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';

// docs/security.md 32 behind a TLS proxy (AUTH_TRUST_PROXY=true): the address throttled is the one the proxy saw,
// the last X-Forwarded-For entry, never one the client wrote in front of it.
describe('client address behind a trusted proxy', () => {
  let auth: TestAuthServer;
  const now = 1_800_000_000_000;
  beforeAll(async () => {
    auth = await startTestAuthServer({ nowMs: () => now, env: { AUTH_TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await auth.close();
  });

  it('throttles one client that forges a new X-Forwarded-For address on every attempt', async () => {
    const browser = new TestBrowser();
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const { action } = await startLogin(browser, auth.issuer);
      const response = await browser.post(
        action,
        { username: 'bob', password: `wrong guess ${attempt}` },
        // What the client sent, then what the proxy appended.
        { 'x-forwarded-for': `10.0.${attempt}.1, 198.51.100.7` },
      );
      expect(response.status).toBe(303);
      outcomes.push(
        new URL(String(response.headers.get('location')), auth.issuer).searchParams.get('error') ?? '',
      );
    }
    // Account+address: 3 free failures, the 4th is checked, then a wait (THROTTLE_POLICY.pair).
    expect(outcomes).toEqual(['credentials', 'credentials', 'credentials', 'credentials', 'throttled']);
  });

  // docs/security.md 32: some proxies write `ip:port`; each new connection has a new source port, and counting the
  // port as part of the address gave every attempt a fresh per-address counter.
  it('throttles one client whose proxy appends its address with a new port each time', async () => {
    const attempts = async (username: string, forwardedFor: (attempt: number) => string) => {
      const outcomes: string[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const browser = new TestBrowser();
        const { action } = await startLogin(browser, auth.issuer);
        const response = await browser.post(
          action,
          { username, password: `wrong guess ${attempt}` },
          { 'x-forwarded-for': forwardedFor(attempt) },
        );
        outcomes.push(
          new URL(String(response.headers.get('location')), auth.issuer).searchParams.get('error') ?? '',
        );
      }
      return outcomes;
    };
    const throttledOnFifth = ['credentials', 'credentials', 'credentials', 'credentials', 'throttled'];
    expect(await attempts('alice', (i) => `203.0.113.9:${40000 + i}`)).toEqual(throttledOnFifth);
    expect(await attempts('nobody', (i) => `[2001:db8:9::${i + 1}]:${40000 + i}`)).toEqual(throttledOnFifth);
  });
});
