import { prometheusSamples, sampleValue } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import {
  startTestAuthServer,
  TEST_SECRET,
  TEST_TOTP_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';

const PASSWORD = 'correct horse battery staple';
const METRICS_TOKEN = 'auth-metrics-token-0123456789abcdef';
/** The server's TOTP clock, fixed mid-step: the code cannot go stale when a 30 s boundary passes mid-test. */
const NOW_MS = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

/** docs/security.md 47: every label value the auth server's own metrics may show. */
const ALLOWED: Record<string, ReadonlySet<string>> = {
  result: new Set(['success', 'failure', 'throttled']),
  factor: new Set(['password', 'totp', 'passkey', 'recovery_code']),
};
const PROCESS_LABELS = new Set(['space', 'kind', 'le', 'version', 'major', 'minor', 'patch', 'type']);

describe('the auth server /metrics', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer({
      nowMs: () => NOW_MS,
      env: { METRICS_TOKEN, RATE_LIMIT_PER_MINUTE: '12' },
    });
  });
  afterAll(async () => {
    await auth?.close();
  });

  const scrape = (authorization?: string) =>
    fetch(`${auth.issuer}/metrics`, authorization === undefined ? {} : { headers: { authorization } });

  it('answers 401 without METRICS_TOKEN, or with another one, and never caches', async () => {
    for (const authorization of [undefined, 'Bearer another-token-0123456789abcdef', METRICS_TOKEN]) {
      const refused = await scrape(authorization);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(await refused.text()).not.toContain('gatehouse_');
    }
    const allowed = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('cache-control')).toBe('no-store');
    expect(await allowed.text()).toContain('process_cpu_user_seconds_total');
  });

  it('counts sign-ins by result and factor, with no user, code or address in a label', async () => {
    // bob: a wrong password, then the right one.
    const bob = new TestBrowser();
    const wrong = await startLogin(bob, auth.issuer);
    await bob.post(wrong.action, { username: 'bob', password: 'a wrong password 123' });
    await signIn(
      bob,
      authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, { prompt: 'login' }),
      auth.issuer,
      {
        username: 'bob',
        password: PASSWORD,
      },
    );
    // alice: password and TOTP, after a wrong code.
    const alice = new TestBrowser();
    let codes = 0;
    const code = totpCode(TEST_TOTP_SECRET, NOW_MS);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await signIn(alice, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, {
      username: 'alice',
      password: PASSWORD,
      code: () => (codes++ === 0 ? wrongCode : code),
    });
    // An unknown user, until the pair's free attempts are spent: then throttled.
    const stranger = new TestBrowser();
    const attempts = 6;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const page = await startLogin(stranger, auth.issuer);
      await stranger.post(page.action, { username: 'mallory', password: `guess number ${attempt}` });
    }
    // Authorization requests past RATE_LIMIT_PER_MINUTE.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      const url = authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge);
      statuses.push((await fetch(url, { redirect: 'manual' })).status);
    }
    expect(statuses).toContain(429);

    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    const samples = prometheusSamples(text);
    const signIns = (result: string, factor: string) =>
      sampleValue(samples, 'gatehouse_auth_sign_ins_total', { result, factor });
    expect(signIns('success', 'password')).toBe(1);
    const throttled = signIns('throttled', 'password');
    expect(throttled).toBeGreaterThanOrEqual(1);
    // bob's wrong password, and each of the stranger's attempts that was not throttled.
    expect(signIns('failure', 'password')).toBe(1 + attempts - throttled);
    expect(signIns('failure', 'totp')).toBe(1);
    expect(signIns('success', 'totp')).toBe(1);
    expect(sampleValue(samples, 'gatehouse_auth_rate_limited_total')).toBe(
      statuses.filter((status) => status === 429).length,
    );
    for (const sample of samples) {
      for (const [label, value] of Object.entries(sample.labels)) {
        if (sample.name.startsWith('gatehouse_')) {
          expect(ALLOWED[label]?.has(value), `${sample.name}{${label}="${value}"}`).toBe(true);
        } else expect(PROCESS_LABELS.has(label), `${sample.name}{${label}}`).toBe(true);
      }
    }
    for (const known of ['alice', 'bob', 'mallory', code, wrongCode, PASSWORD, TEST_SECRET, '127.0.0.1']) {
      expect(text).not.toContain(known);
    }
  });
});
