import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, isActive, tokenRequest } from '../testing/token-request.js';

const bob = { username: 'bob', password: 'correct horse battery staple' };

// docs/security.md 25 (RFC 6749 4.1.2 and 10.5, RFC 9700 4.5): a code is single use, bound to its client and
// redirect_uri, short-lived; a reused code revokes what was issued from it.
describe('authorization codes', () => {
  let auth: TestAuthServer;
  let clockOffsetMs = 0;
  beforeAll(async () => {
    auth = await startTestAuthServer({ nowMs: () => Date.now() + clockOffsetMs });
  });
  afterAll(async () => {
    await auth.close();
  });

  async function freshCode(clientId = 'first-party') {
    const { verifier, challenge } = pkcePair();
    const callback = await signIn(
      new TestBrowser(),
      authorizeUrl(auth.issuer, clientId, challenge),
      auth.issuer,
      bob,
    );
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code in ${callback.href}`);
    return { code, verifier };
  }

  it('refuses a reused code and revokes the tokens issued from it', async () => {
    const { code, verifier } = await freshCode();
    const first = await tokenRequest(auth.issuer, codeGrant(code, verifier));
    expect(first.status).toBe(200);
    const accessToken = String(first.json.access_token);
    const refreshToken = String(first.json.refresh_token);
    expect(await isActive(auth.issuer, accessToken)).toBe(true);

    const second = await tokenRequest(auth.issuer, codeGrant(code, verifier));
    expect(second.status).toBe(400);
    expect(second.json.error).toBe('invalid_grant');
    expect(await isActive(auth.issuer, accessToken)).toBe(false);
    expect(await isActive(auth.issuer, refreshToken)).toBe(false);
    const userinfo = await fetch(new URL('/me', auth.issuer), {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(userinfo.status).toBe(401);
  });

  it("refuses another client's code", async () => {
    const { code, verifier } = await freshCode('third-party');
    const stolen = await tokenRequest(auth.issuer, codeGrant(code, verifier));
    expect(stolen.status).toBe(400);
    expect(stolen.json.error).toBe('invalid_grant');
  });

  it('refuses a code with a redirect_uri other than the one it was issued for', async () => {
    const { code, verifier } = await freshCode();
    const result = await tokenRequest(auth.issuer, codeGrant(code, verifier, 'http://127.0.0.1:9/other'));
    expect(result.status).toBe(400);
    expect(result.json.error).toBe('invalid_grant');
  });

  it('refuses an expired code', async () => {
    const { code, verifier } = await freshCode();
    clockOffsetMs = 61_000;
    try {
      const result = await tokenRequest(auth.issuer, codeGrant(code, verifier));
      expect(result.status).toBe(400);
      expect(result.json.error).toBe('invalid_grant');
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('refuses a wrong client secret with 401 invalid_client (docs/security.md 27)', async () => {
    const { code, verifier } = await freshCode();
    const result = await tokenRequest(auth.issuer, codeGrant(code, verifier), {
      id: 'first-party',
      secret: `${TEST_SECRET}x`,
    });
    expect(result.status).toBe(401);
    expect(result.json.error).toBe('invalid_client');
  });
});
