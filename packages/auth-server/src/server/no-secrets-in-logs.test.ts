import { Writable } from 'node:stream';
import { createLogger } from '@gatehouse/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_TOTP_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';
import { DEVICE_COOKIE } from '../throttle/device-cookie.js';
import { totpCode } from '../totp/totp.js';

const PASSWORD = 'correct horse battery staple';

// docs/security.md preamble: no code, token, secret, password, TOTP code or device cookie in any log line.

/** The server's TOTP clock, fixed mid-step: the code cannot go stale when a 30 s boundary passes mid-test. */
const NOW_MS = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;
describe('logs', () => {
  let auth: TestAuthServer;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    auth = await startTestAuthServer({
      nowMs: () => NOW_MS,
      logger: createLogger({ name: 'auth-server', level: 'trace' }, sink),
    });
  });
  afterAll(async () => {
    await auth.close();
  });

  it('carry no password, TOTP code, authorization code, token or device cookie', async () => {
    const browser = new TestBrowser();
    const wrong = await startLogin(browser, auth.issuer);
    await browser.post(wrong.action, { username: 'alice', password: 'a wrong password 123' });
    const { verifier, challenge } = pkcePair();
    let code = '';
    const callback = await signIn(browser, authorizeUrl(auth.issuer, 'first-party', challenge), auth.issuer, {
      username: 'alice',
      password: PASSWORD,
      code: () => {
        code = totpCode(TEST_TOTP_SECRET, NOW_MS);
        return code;
      },
    });
    const authorizationCode = String(callback.searchParams.get('code'));
    const tokens = await tokenRequest(auth.issuer, codeGrant(authorizationCode, verifier));
    expect(tokens.status).toBe(200);
    const deviceCookie = String(browser.cookies.get(DEVICE_COOKIE)?.value);
    // Sent again with a failure and a success, so that both paths would have had the chance to log it.
    const again = await startLogin(browser, auth.issuer, { prompt: 'login' });
    await browser.post(again.action, { username: 'alice', password: 'a wrong password 123' });

    const log = lines.join('');
    expect(log).toContain('signed in');
    for (const secret of [
      PASSWORD,
      'a wrong password 123',
      authorizationCode,
      String(tokens.json.access_token),
      String(tokens.json.id_token),
      TEST_TOTP_SECRET,
      deviceCookie,
      // Its nonce and MAC, however a log line would quote it (not its issue time: a timestamp).
      ...deviceCookie.split('.').slice(1),
    ]) {
      expect(log).not.toContain(secret);
    }
    // A 6-digit code may occur by chance inside a longer number (a timestamp); as a number of its own it must not.
    expect(log).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
  });
});
