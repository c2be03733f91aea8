import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecoveryCodes } from '../recovery/recovery-codes.js';
import { formAction, TestBrowser } from '../testing/browser.js';
import { BrowserAt } from '../testing/browser-at.js';
import { authorizeUrl, openInteraction, pkcePair } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_TOTP_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';
import { addUser } from '../users/user-admin.js';

const PASSWORD = 'correct horse battery staple';

// docs/security.md 44: a recovery code works once, is stored hashed, and guesses are throttled like TOTP codes.
describe('recovery codes at the second-factor step', () => {
  let auth: TestAuthServer;
  let now = Date.now();
  beforeAll(async () => {
    auth = await startTestAuthServer({ nowMs: () => now, env: { AUTH_TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await auth.close();
  });

  async function userWithCodes(username: string): Promise<{ id: string; codes: string[] }> {
    const user = await addUser(auth.store, {
      username,
      email: `${username}@example.com`,
      password: PASSWORD,
      totpSecret: TEST_TOTP_SECRET,
    });
    return { id: user.id, codes: await createRecoveryCodes(auth.store, user.id, Math.floor(now / 1000)) };
  }

  /** The password step, then the recovery-code form ("Use a recovery code"). */
  async function recoveryForm(username: string, browser: TestBrowser = new TestBrowser()) {
    const { verifier, challenge } = pkcePair();
    const login = await openInteraction(
      browser,
      authorizeUrl(auth.issuer, 'first-party', challenge),
      auth.issuer,
    );
    const posted = await browser.post(formAction(login.html, login.url), { username, password: PASSWORD });
    const totpPage = await browser.follow(posted, new URL(auth.issuer).origin);
    const html = await totpPage.response.text();
    const link = /<a href="([^"]+\?method=recovery)">Use a recovery code<\/a>/.exec(html)?.[1];
    expect(link).toBeDefined();
    const page = await browser.get(new URL(String(link).replace(/&amp;/g, '&'), totpPage.url).href);
    const form = await page.text();
    expect(form).toMatch(/<label for="code">Recovery code/);
    return { browser, verifier, action: formAction(form, page.url) };
  }

  async function submit(browser: TestBrowser, action: string, code: string) {
    const response = await browser.post(action, { code });
    expect(response.status).toBe(303);
    const followed = await browser.follow(response, new URL(auth.issuer).origin);
    return { url: new URL(followed.url), html: await followed.response.text() };
  }

  it('signs in with a recovery code once, says how many are left, and amr says so', async () => {
    const { codes } = await userWithCodes('sam');
    expect(codes).toHaveLength(10);
    expect(codes[0]).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    const first = await recoveryForm('sam');
    // Typed in lower case, without dashes: still the code.
    const used = await submit(first.browser, first.action, String(codes[3]).toLowerCase().replace(/-/g, ' '));
    expect(used.html).toContain('<h1>Recovery code accepted</h1>');
    expect(used.html).toContain('You have 9 recovery codes left.');
    const next = /<a class="button" href="([^"]+)"/.exec(used.html)?.[1];
    const done = await first.browser.follow(
      await first.browser.get(String(next)),
      new URL(auth.issuer).origin,
    );
    const code = new URL(done.url).searchParams.get('code');
    const tokens = await tokenRequest(auth.issuer, codeGrant(String(code), first.verifier));
    expect(decodeJwt(String(tokens.json.id_token)).amr).toEqual(['pwd', 'otp', 'recovery_code', 'mfa']);

    // The same code again, in a new sign-in: refused.
    const again = await recoveryForm('sam');
    const refused = await submit(again.browser, again.action, String(codes[3]));
    expect(refused.url.searchParams.get('error')).toBe('recovery');
    expect(refused.html).toContain('Invalid recovery code');
    expect(refused.html).toMatch(/<label for="code">Recovery code/);
  });

  it('stores the codes hashed, bound to their user', async () => {
    const { id, codes } = await userWithCodes('tess');
    const file = readFileSync(join(auth.dataDir, 'auth-server', 'auth.sqlite'));
    const wal = readFileSync(join(auth.dataDir, 'auth-server', 'auth.sqlite-wal'));
    for (const code of codes) {
      for (const form of [code, code.replace(/-/g, '')]) {
        expect(file.includes(Buffer.from(form))).toBe(false);
        expect(wal.includes(Buffer.from(form))).toBe(false);
      }
    }
    const stored = await auth.store.authenticators.unusedRecoveryCodes(id);
    expect(stored).toHaveLength(10);
    expect(stored.every((each) => /^[A-Za-z0-9_-]{43}$/.test(each.hash))).toBe(true);
  });

  it('throttles recovery code guesses on the account’s second-factor counter, like TOTP codes', async () => {
    const { id, codes } = await userWithCodes('uma');
    // Five wrong codes in one sign-in send the person back to the password…
    const first = await recoveryForm('uma', new BrowserAt('203.0.113.7'));
    for (let guess = 0; guess < 5; guess++) {
      // Past the waits of this address's own counter (3 free failures), which is not what is tested here.
      now += 10_000;
      const wrong = await submit(first.browser, first.action, `WRONG${guess}AAAAAAA`);
      expect(wrong.url.searchParams.get('error')).toBe(guess < 4 ? 'recovery' : 'credentials');
    }
    // …and a sixth, from another address and sign-in, makes the account wait: even the right code is refused.
    now += 10_000;
    const second = await recoveryForm('uma', new BrowserAt('198.51.100.9'));
    expect(
      (await submit(second.browser, second.action, 'ALSO-WRON-GAAA')).url.searchParams.get('error'),
    ).toBe('recovery');
    const refused = await submit(second.browser, second.action, String(codes[0]));
    expect(refused.url.searchParams.get('error')).toBe('throttled');
    expect(refused.url.searchParams.get('retry')).toBe('1');
    expect((await auth.store.throttle.secondFactorFailures(id))?.failures).toBe(6);
    expect(await auth.store.authenticators.unusedRecoveryCodes(id)).toHaveLength(10);
    // After the wait the right code is taken, and clears the count.
    now += 2000;
    const taken = await submit(second.browser, second.action, String(codes[0]));
    expect(taken.html).toContain('You have 9 recovery codes left.');
    expect(await auth.store.throttle.secondFactorFailures(id)).toBeUndefined();
  });
});
