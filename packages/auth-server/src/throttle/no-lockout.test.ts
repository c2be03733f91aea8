import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBrowser } from '../testing/browser.js';
import { BrowserAt } from '../testing/browser-at.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_TOTP_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';

// SECURITY.md 32, "without an easy lock-out of someone else's account": an attacker spraying wrong passwords
// for alice from many addresses slows guessing, but alice still signs in from an address she used before.
describe('no lock-out by a distributed flood', () => {
  let auth: TestAuthServer;
  // Mid-step of a 30 s TOTP window; moved by whole steps only, so every code is unambiguous.
  let now = 1_800_000_015_000;
  beforeAll(async () => {
    auth = await startTestAuthServer({ nowMs: () => now, env: { AUTH_TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await auth.close();
  });

  const alice = (browser: TestBrowser) =>
    signIn(browser, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, {
      username: 'alice',
      password: 'correct horse battery staple',
      code: () => totpCode(TEST_TOTP_SECRET, now),
    });

  it('lets alice in from her known address at once, and from a new one after at most 60 s', async () => {
    expect((await alice(new BrowserAt('198.51.100.50'))).searchParams.has('code')).toBe(true);

    now += 60_000;
    for (let i = 0; i < 30; i++) {
      const attacker = new BrowserAt(`203.0.113.${i}`);
      const { action } = await startLogin(attacker, auth.issuer);
      await attacker.post(action, { username: 'alice', password: `guess ${i}` });
    }

    // Her known address: no wait at all.
    expect((await alice(new BrowserAt('198.51.100.50'))).searchParams.has('code')).toBe(true);

    // A new address: the account-wide delay applies (her success above cleared it: 15 new failures), capped at 60 s.
    now += 30_000;
    for (let i = 30; i < 45; i++) {
      const attacker = new BrowserAt(`203.0.113.${i}`);
      const { action } = await startLogin(attacker, auth.issuer);
      await attacker.post(action, { username: 'alice', password: `guess ${i}` });
    }
    const elsewhere = new BrowserAt('192.0.2.77');
    const { action } = await startLogin(elsewhere, auth.issuer);
    const refused = await elsewhere.post(action, {
      username: 'alice',
      password: 'correct horse battery staple',
    });
    const retry = Number(
      new URL(String(refused.headers.get('location')), auth.issuer).searchParams.get('retry'),
    );
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    now += retry * 1000;
    expect((await alice(elsewhere)).searchParams.has('code')).toBe(true);
  });
});
