import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { signIn } from '../testing/sign-in.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
  TEST_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { addUser, changeUserRoles } from '../users/user-admin.js';

const PASSWORD = 'correct horse battery staple';

// Issue 12: the auth server releases an account's roles as a `roles` claim (a JSON array of strings), in the ID
// token and userinfo, to a client that asks for the `roles` scope, and to no other. Driven by openid-client.
describe('the roles claim', () => {
  let auth: TestAuthServer;
  let config: oidc.Configuration;
  beforeAll(async () => {
    auth = await startTestAuthServer();
    await addUser(auth.store, {
      username: 'rhea',
      email: 'rhea@example.com',
      password: PASSWORD,
      roles: ['admin', 'billing:read'],
    });
    config = await oidc.discovery(
      new URL(auth.issuer),
      'first-party',
      undefined,
      oidc.ClientSecretBasic(TEST_SECRET),
      { execute: [oidc.allowInsecureRequests] },
    );
    oidc.enableNonRepudiationChecks(config);
  });
  afterAll(async () => {
    await auth.close();
  });

  /** Signs rhea in asking for `scope`; returns the ID token's claims and the userinfo answer. */
  async function signInWith(scope: string) {
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    });
    const callback = await signIn(new TestBrowser(), url.href, auth.issuer, {
      username: 'rhea',
      password: PASSWORD,
    });
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims: Record<string, unknown> = { ...tokens.claims() };
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub));
    return { claims, userinfo };
  }

  it('is advertised in discovery', () => {
    expect(config.serverMetadata().scopes_supported).toContain('roles');
    expect(config.serverMetadata().claims_supported).toContain('roles');
  });

  it('goes to a client that asks for the roles scope, in the ID token and userinfo', async () => {
    const { claims, userinfo } = await signInWith('openid roles');
    expect(claims.roles).toEqual(['admin', 'billing:read']);
    expect(userinfo.roles).toEqual(['admin', 'billing:read']);
  });

  it('stays away from a client that does not ask for it', async () => {
    const { claims, userinfo } = await signInWith('openid profile email');
    expect(claims).not.toHaveProperty('roles');
    expect(userinfo).not.toHaveProperty('roles');
    expect(userinfo.preferred_username).toBe('rhea');
  });

  it('follows a change of roles at the next sign-in, and is an empty array for a user without any', async () => {
    await changeUserRoles(auth.store, 'rhea', { add: ['auditor'], remove: ['admin'] });
    expect((await signInWith('openid roles')).claims.roles).toEqual(['billing:read', 'auditor']);
    await changeUserRoles(auth.store, 'rhea', { remove: ['billing:read', 'auditor'] });
    expect((await signInWith('openid roles')).userinfo.roles).toEqual([]);
  });
});
