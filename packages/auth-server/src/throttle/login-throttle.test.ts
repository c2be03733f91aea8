import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthStore } from '../store/auth-store.js';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';
import { TestBrowser } from '../testing/browser.js';
import { startLogin } from '../testing/sign-in.js';
import { spyHasher } from '../testing/spy-hasher.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';
import { delayFor, LoginThrottle, THROTTLE_POLICY } from './login-throttle.js';

// docs/security.md 32 (NIST SP 800-63B 5.2.2, OWASP Authentication Cheat Sheet): failures are throttled per account
// and per address with growing delays, durably, without letting an attacker lock the owner out.
describe('LoginThrottle', () => {
  let dir: string;
  let store: AuthStore;
  let throttle: LoginThrottle;
  const T = 1_800_000_000;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-throttle-'));
    store = openAuthStore(dir);
    throttle = new LoginThrottle(store.throttle);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a few failures through, then doubles the delay, up to the cap', async () => {
    const waits: number[] = [];
    for (let failure = 1; failure <= 8; failure++) {
      await throttle.recordFailure('bob', '203.0.113.7', T);
      const decision = await throttle.check('bob', '203.0.113.7', T);
      waits.push(decision.allowed ? 0 : decision.retryAfter);
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 16]);
    expect(delayFor(40, THROTTLE_POLICY.pair)).toBe(15 * 60);
    expect(await throttle.check('bob', '203.0.113.7', T + 16)).toEqual({ allowed: true });
  });

  it('throttles one address spraying many accounts', async () => {
    for (let i = 0; i < 21; i++) await throttle.recordFailure(`user${i}`, '203.0.113.9', T);
    const decision = await throttle.check('someone-else', '203.0.113.9', T);
    expect(decision.allowed).toBe(false);
    expect(await throttle.check('someone-else', '198.51.100.1', T)).toEqual({ allowed: true });
  });

  it('counts an IPv6 client by its /64, so rotating addresses inside it does not reset the counters', async () => {
    for (let i = 1; i <= 21; i++)
      await throttle.recordFailure(`user${i}`, `2001:db8:7:7::${i.toString(16)}`, T);
    expect((await throttle.check('someone-else', '2001:db8:7:7:ffff::1', T)).allowed).toBe(false);
    for (let i = 1; i <= 4; i++) await throttle.recordFailure('bob', `2001:db8:5:5::${i}`, T);
    expect((await throttle.check('bob', '2001:db8:5:5::99', T)).allowed).toBe(false);
    expect(await throttle.check('bob', '2001:db8:5:6::1', T)).toEqual({ allowed: true });
  });

  it('never counts the shared bucket of unparseable addresses as one the owner uses', async () => {
    await throttle.recordSuccess('bob', 'not-an-address', T);
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T);
    // Another client whose proxy also wrote garbage does not pass the account counter on bob's success.
    expect((await throttle.check('bob', 'garbage:also', T)).allowed).toBe(false);
  });

  it('slows guesses for one account spread over many addresses, but only up to 60 s', async () => {
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T);
    const decision = await throttle.check('bob', '198.51.100.20', T);
    expect(decision).toEqual({ allowed: false, retryAfter: 60 });
  });

  it('does not lock the owner out from an address they signed in from', async () => {
    await throttle.recordSuccess('bob', '198.51.100.5', T - 3600);
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T);
    expect(await throttle.check('bob', '198.51.100.5', T)).toEqual({ allowed: true });
  });

  // OWASP device cookies: a flood from many addresses keeps the account counter at its 60 s cap, so an owner at
  // an address she has never used would wait for as long as the flood lasts.
  it('does not hold a trusted device to the account counter, at any address', async () => {
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T);
    expect(await throttle.check('bob', '198.51.100.20', T, 'device-1')).toEqual({ allowed: true });
    expect(await throttle.check('bob', '198.51.100.20', T)).toEqual({ allowed: false, retryAfter: 60 });
  });

  it('stops trusting a device after five failures made with it, until an hour without any', async () => {
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T);
    for (let i = 0; i < THROTTLE_POLICY.deviceFailures; i++) {
      expect(await throttle.check('bob', `192.0.2.${i}`, T, 'stolen')).toEqual({ allowed: true });
      await throttle.recordFailure('bob', `192.0.2.${i}`, T, 'stolen');
    }
    expect(await throttle.check('bob', '192.0.2.99', T, 'stolen')).toEqual({
      allowed: false,
      retryAfter: 60,
    });
    expect(await throttle.check('bob', '192.0.2.99', T, 'another-device')).toEqual({ allowed: true });
    // A correct password with it does not restore it (the renewed cookie has a new device id instead).
    await throttle.recordSuccess('bob', '192.0.2.98', T);
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T);
    expect((await throttle.check('bob', '192.0.2.99', T, 'stolen')).allowed).toBe(false);
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T + 3600);
    expect(await throttle.check('bob', '192.0.2.99', T + 3600, 'stolen')).toEqual({ allowed: true });
    expect((await throttle.check('bob', '192.0.2.99', T + 3600)).allowed).toBe(false);
  });

  it('never lifts the account+address or the address counter for a trusted device', async () => {
    for (let i = 0; i < 4; i++) await throttle.recordFailure('bob', '203.0.113.7', T);
    expect(await throttle.check('bob', '203.0.113.7', T, 'device-1')).toEqual({
      allowed: false,
      retryAfter: 1,
    });
    for (let i = 0; i < 21; i++) await throttle.recordFailure(`user${i}`, '203.0.113.9', T);
    expect((await throttle.check('bob', '203.0.113.9', T, 'device-1')).allowed).toBe(false);
  });

  it('trusts a device for no more attempts in flight than it has failures left', async () => {
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T);
    const decisions = [];
    for (let i = 0; i < 7; i++) decisions.push(await throttle.reserve('bob', `192.0.2.${i}`, T, 'stolen'));
    expect(decisions.map((decision) => decision.allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    for (let i = 0; i < 5; i++) await throttle.release('bob', `192.0.2.${i}`, 'stolen');
    expect(await throttle.check('bob', '192.0.2.99', T, 'stolen')).toEqual({ allowed: true });
  });

  it('counts attempts in flight as failures until released', async () => {
    for (let i = 0; i < 4; i++)
      expect(await throttle.reserve('bob', '203.0.113.7', T)).toEqual({ allowed: true });
    expect(await throttle.reserve('bob', '203.0.113.7', T)).toEqual({ allowed: false, retryAfter: 1 });
    for (let i = 0; i < 4; i++) await throttle.release('bob', '203.0.113.7');
    expect(await throttle.check('bob', '203.0.113.7', T)).toEqual({ allowed: true });
  });

  it('does not lock the owner out while a flood from many addresses is in flight', async () => {
    await throttle.recordSuccess('bob', '198.51.100.5', T - 3600);
    for (let i = 0; i < 50; i++) await throttle.recordFailure('bob', `203.0.113.${i}`, T);
    for (let i = 0; i < 50; i++) await throttle.reserve('bob', `192.0.2.${i}`, T);
    expect(await throttle.reserve('bob', '198.51.100.5', T)).toEqual({ allowed: true });
    expect(await throttle.check('bob', '198.51.100.99', T)).toEqual({ allowed: false, retryAfter: 60 });
  });

  it('survives a restart (counters are in SQLite)', async () => {
    for (let i = 0; i < 6; i++) await throttle.recordFailure('bob', '203.0.113.7', T);
    await store.close();
    store = openAuthStore(dir);
    throttle = new LoginThrottle(store.throttle);
    expect((await throttle.check('bob', '203.0.113.7', T)).allowed).toBe(false);
  });

  it('forgets an account after an hour without failures, and on success', async () => {
    for (let i = 0; i < 6; i++) await throttle.recordFailure('bob', '203.0.113.7', T);
    expect(await throttle.check('bob', '203.0.113.7', T + 3600)).toEqual({ allowed: true });
    await throttle.recordSuccess('bob', '203.0.113.7', T + 10);
    expect(await throttle.check('bob', '203.0.113.7', T + 10)).toEqual({ allowed: true });
  });
});

describe('throttling at the sign-in form', () => {
  let auth: TestAuthServer;
  const hasher = spyHasher();
  beforeAll(async () => {
    // A frozen clock: the 1 s delay after the fourth failure cannot run out while the test is slow.
    const frozen = Date.now();
    auth = await startTestAuthServer({ hasher, nowMs: () => frozen });
  });
  afterAll(async () => {
    await auth.close();
  });

  it('refuses the right password after repeated failures, without hashing, and says how long to wait', async () => {
    const browser = new TestBrowser();
    for (let i = 0; i < 4; i++) {
      const response = await browser.post((await startLogin(browser, auth.issuer)).action, {
        username: 'bob',
        password: `wrong ${i}`,
      });
      expect(response.headers.get('location')).toMatch(/\?error=credentials$/);
    }
    const before = hasher.verifyCalls;
    const login = await startLogin(browser, auth.issuer);
    const response = await browser.post(login.action, {
      username: 'bob',
      password: 'correct horse battery staple',
    });
    expect(response.status).toBe(303);
    const location = String(response.headers.get('location'));
    expect(location).toMatch(/\?error=throttled&retry=\d+$/);
    expect(hasher.verifyCalls).toBe(before);
    const page = await (await browser.get(new URL(location, login.url).href)).text();
    expect(page).toMatch(/Too many attempts\. Try again in (1 second|\d+ seconds)\./);
  });
});

// docs/security.md 32: the counters must hold against attempts sent all at once. Each password check takes ~11 ms
// off the event loop; without reserving the attempt when it is allowed, every concurrent request passed the
// check before the first failure was recorded.
describe('throttling concurrent attempts', () => {
  let auth: TestAuthServer;
  const hasher = spyHasher();
  beforeAll(async () => {
    const frozen = 1_800_000_000_000;
    auth = await startTestAuthServer({ hasher, nowMs: () => frozen });
  });
  afterAll(async () => {
    await auth.close();
  });

  it('checks no more passwords for 20 simultaneous guesses than for 20 sequential ones', async () => {
    const forms = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const browser = new TestBrowser();
        return { browser, action: (await startLogin(browser, auth.issuer)).action };
      }),
    );
    const before = hasher.verifyCalls;
    const locations = await Promise.all(
      forms.map(async ({ browser, action }, i) => {
        const response = await browser.post(action, { username: 'bob', password: `guess ${i}` });
        return String(response.headers.get('location'));
      }),
    );
    // Account+address allows 3 free failures and a 4th check; the rest wait (THROTTLE_POLICY.pair).
    expect(hasher.verifyCalls - before).toBe(4);
    expect(locations.filter((location) => location.includes('error=throttled'))).toHaveLength(16);
    expect(locations.filter((location) => location.includes('error=credentials'))).toHaveLength(4);
  });
});
