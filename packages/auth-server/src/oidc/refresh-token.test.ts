import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';

const bob = { username: 'bob', password: 'correct horse battery staple' };

// docs/security.md 27 (RFC 6749 6, RFC 9700 4.14.2): refresh tokens are bound to their client and rotated on every
// use; replaying a rotated one is refused and ends the whole grant.
describe('refresh tokens', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
  });
  afterAll(async () => {
    await auth.close();
  });

  async function refreshTokenFor(clientId: string, secret: string) {
    const { verifier, challenge } = pkcePair();
    const callback = await signIn(
      new TestBrowser(),
      authorizeUrl(auth.issuer, clientId, challenge),
      auth.issuer,
      bob,
    );
    const result = await tokenRequest(
      auth.issuer,
      codeGrant(String(callback.searchParams.get('code')), verifier),
      {
        id: clientId,
        secret,
      },
    );
    expect(result.status).toBe(200);
    return String(result.json.refresh_token);
  }

  it('rotates on use, refuses the rotated one replayed, and revokes the grant', async () => {
    const first = await refreshTokenFor('first-party', TEST_SECRET);
    const rotated = await tokenRequest(auth.issuer, { grant_type: 'refresh_token', refresh_token: first });
    expect(rotated.status).toBe(200);
    const second = String(rotated.json.refresh_token);
    expect(second).not.toBe(first);

    const replay = await tokenRequest(auth.issuer, { grant_type: 'refresh_token', refresh_token: first });
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    // The reuse revoked the grant: the newest token is dead too.
    const after = await tokenRequest(auth.issuer, { grant_type: 'refresh_token', refresh_token: second });
    expect(after.status).toBe(400);
    expect(after.json.error).toBe('invalid_grant');
  });

  it("refuses another client's refresh token", async () => {
    const theirs = await refreshTokenFor('third-party', `${TEST_SECRET}-other`);
    const result = await tokenRequest(auth.issuer, { grant_type: 'refresh_token', refresh_token: theirs });
    expect(result.status).toBe(400);
    expect(result.json.error).toBe('invalid_grant');
  });
});
