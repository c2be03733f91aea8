import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { signIn } from '../testing/sign-in.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
  TEST_SECRET,
  TEST_TOTP_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';

// Issue 3 "done when": an independent, certified relying party (openid-client, OpenID Certified) completes
// sign-in with password + TOTP against the embedded server, with ID token signature checks on.

/** The server's TOTP clock, fixed mid-step: the code cannot go stale when a 30 s boundary passes mid-test. */
const NOW_MS = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;
describe('certified relying party (openid-client) against the embedded server', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer({ nowMs: () => NOW_MS });
  });
  afterAll(async () => {
    await auth.close();
  });

  it('discovers, signs in with password + TOTP, exchanges the code and reads userinfo', async () => {
    const config = await oidc.discovery(
      new URL(auth.issuer),
      'first-party',
      undefined,
      oidc.ClientSecretBasic(TEST_SECRET),
      { execute: [oidc.allowInsecureRequests] },
    );
    oidc.enableNonRepudiationChecks(config);
    expect(config.serverMetadata().authorization_response_iss_parameter_supported).toBe(true);
    expect(config.serverMetadata().code_challenge_methods_supported).toEqual(['S256']);

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });

    const callback = await signIn(new TestBrowser(), url.href, auth.issuer, {
      username: 'alice',
      password: 'correct horse battery staple',
      code: () => totpCode(TEST_TOTP_SECRET, NOW_MS),
    });
    expect(callback.searchParams.get('iss')).toBe(auth.issuer);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    // RFC 8176: a password, a one-time code, hence multiple factors.
    expect(claims?.amr).toEqual(['pwd', 'otp', 'mfa']);
    const user = await auth.store.users.findByUsername('alice');
    expect(claims?.sub).toBe(user?.id);

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub ?? '');
    expect(userinfo).toMatchObject({
      sub: user?.id,
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice',
      preferred_username: 'alice',
    });
  });
});
