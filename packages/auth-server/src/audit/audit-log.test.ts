import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formAction } from '../testing/browser.js';
import { BrowserAt } from '../testing/browser-at.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import {
  startTestAuthServer,
  TEST_SECRET,
  TEST_TOTP_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { SECOND_FACTOR_POLICY } from '../throttle/second-factor-throttle.js';
import { totpCode } from '../totp/totp.js';
import { addUser } from '../users/user-admin.js';

const PASSWORD = 'correct horse battery staple';

interface AuditLine {
  event: string;
  outcome: string;
  user?: string;
  client?: string;
  address?: string;
  factor?: string;
  reason?: string;
}

// docs/security.md 48: sign-ins, refusals and a lock, each once, with their fields, and nothing secret or typed.
describe('the auth server audit log (AUDIT_LOG)', () => {
  let auth: TestAuthServer;
  let dir: string;
  let file: string;
  // Mid-step of a 30 s TOTP window.
  let now = 1_800_000_015_000;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-auth-audit-'));
    file = join(dir, 'audit.log');
    auth = await startTestAuthServer({
      nowMs: () => now,
      env: { AUTH_TRUST_PROXY: 'true', AUDIT_LOG: file },
    });
  });
  afterAll(async () => {
    await auth?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = (): AuditLine[] =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditLine);
  const url = () => authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge);
  const wrongCode = () => {
    const valid = [-30_000, 0, 30_000].map((drift) => totpCode(TEST_TOTP_SECRET, now + drift));
    return ['000000', '111111', '222222', '333333'].find((code) => !valid.includes(code)) ?? '444444';
  };

  it('records each sign-in, refusal and lock once, without what was typed', async () => {
    const ids = {
      alice: (await auth.store.users.findByUsername('alice'))?.id,
      bob: (await auth.store.users.findByUsername('bob'))?.id,
      carol: (
        await addUser(auth.store, {
          username: 'carol',
          email: 'carol@example.com',
          password: PASSWORD,
          totpSecret: TEST_TOTP_SECRET,
        })
      ).id,
    };
    // bob: a wrong password, then signed in. alice: password and TOTP.
    const bob = new BrowserAt('198.51.100.2');
    const wrong = await startLogin(bob, auth.issuer);
    await bob.post(wrong.action, { username: 'bob', password: 'a wrong password 123' });
    await signIn(bob, url(), auth.issuer, { username: 'bob', password: PASSWORD });
    const code = totpCode(TEST_TOTP_SECRET, now);
    await signIn(new BrowserAt('198.51.100.3'), url(), auth.issuer, {
      username: 'alice',
      password: PASSWORD,
      code: () => code,
    });
    // Someone guessing a username that does not exist, until throttled.
    const stranger = new BrowserAt('198.51.100.4');
    for (let attempt = 0; attempt < 5; attempt++) {
      const page = await startLogin(stranger, auth.issuer);
      await stranger.post(page.action, { username: 'mallory-typed', password: `guess number ${attempt}` });
    }
    // carol's password in the wrong hands: wrong codes until the account locks.
    const wrongCodes: string[] = [];
    for (let index = 0; index < SECOND_FACTOR_POLICY.lockAfter; index++) {
      now += 16 * 60_000;
      const browser = new BrowserAt(`203.0.113.${100 + index}`);
      const login = await startLogin(browser, auth.issuer);
      const response = await browser.post(login.action, { username: 'carol', password: PASSWORD });
      const pageUrl = new URL(String(response.headers.get('location')), login.url).href;
      const html = await (await browser.get(pageUrl)).text();
      const guess = wrongCode();
      wrongCodes.push(guess);
      await browser.post(formAction(html, pageUrl), { code: guess });
    }

    const all = lines();
    const of = (event: string, user?: string) =>
      all.filter((line) => line.event === event && (user === undefined || line.user === user));
    expect(of('sign_in.succeeded', ids.bob)).toEqual([
      expect.objectContaining({
        outcome: 'success',
        client: 'first-party',
        address: '198.51.100.2',
        factor: 'password',
      }),
    ]);
    expect(of('sign_in.succeeded', ids.alice)).toEqual([
      expect.objectContaining({ factor: 'totp', address: '198.51.100.3' }),
    ]);
    expect(of('sign_in.failed', ids.bob)).toEqual([
      expect.objectContaining({ outcome: 'failure', factor: 'password', reason: 'password' }),
    ]);
    // The unknown username's attempts: refused, then throttled, with no user named at all.
    const strangers = all.filter((line) => line.address === '198.51.100.4');
    expect(strangers.map((line) => [line.event, line.reason, line.user])).toEqual([
      ...Array.from({ length: strangers.length - 1 }, () => ['sign_in.failed', 'password', undefined]),
      ['sign_in.failed', 'throttled', undefined],
    ]);
    expect(of('sign_in.failed', ids.carol).filter((line) => line.reason === 'second_factor')).toHaveLength(
      SECOND_FACTOR_POLICY.lockAfter,
    );
    expect(of('account.locked')).toEqual([
      expect.objectContaining({ user: ids.carol, reason: 'second_factor_failures' }),
    ]);

    const text = readFileSync(file, 'utf8');
    for (const secret of [PASSWORD, 'a wrong password', 'mallory-typed', 'guess number', code, TEST_SECRET]) {
      expect(text).not.toContain(secret);
    }
    for (const guess of new Set(wrongCodes)) expect(text).not.toMatch(new RegExp(`"${guess}"`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
