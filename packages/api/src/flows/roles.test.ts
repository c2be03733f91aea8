import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { spaSignIn } from '../testing/spa-sign-in.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';
import { MAX_AUTHORIZATION_HEADER } from '../tokens/verify-bearer.js';

const SECRET = 'test-client-secret-value';

async function me(t: TestApi, token: string): Promise<Record<string, unknown>> {
  const response = await t.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

// docs/security.md 36 against a real provider that offers a `roles` scope, as the embedded auth server does.
describe('roles from a provider that offers the roles scope', () => {
  let op: OidcProviderFixture;
  let t: TestApi;

  beforeAll(async () => {
    const publicUrl = await reservePublicUrl();
    op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    t = await startTestApi({ issuer: op.issuer, publicUrl, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  it('asks for the roles scope, and carries the roles asserted into the token, /api/me and every refresh', async () => {
    let scope = '';
    const { jar, accessToken } = await spaSignIn(t, (loginUrl) => {
      scope = new URL(loginUrl).searchParams.get('scope') ?? '';
      return op.signIn(loginUrl, 'carol').then((back) => back.searchParams);
    });
    expect(scope.split(' ')).toEqual(['openid', 'profile', 'email', 'roles']);
    expect(decodeJwt(accessToken)).toMatchObject({
      roles: ['admin', 'auditor'],
      scope: 'openid profile email roles',
    });
    expect(await me(t, accessToken)).toEqual({
      sub: 'carol',
      email: 'carol@example.com',
      name: 'Carol Example',
      roles: ['admin', 'auditor'],
    });
    const refreshed = (await (await t.postFromSpa('/api/refresh', jar)).json()) as {
      access_token: string;
      user: { roles?: string[] };
    };
    expect(refreshed.user.roles).toEqual(['admin', 'auditor']);
    expect(decodeJwt(refreshed.access_token).roles).toEqual(['admin', 'auditor']);
  });

  it('gives a user the provider asserts no role for none: no roles member anywhere', async () => {
    const { accessToken } = await spaSignIn(t, (loginUrl) =>
      op.signIn(loginUrl, 'bob').then((back) => back.searchParams),
    );
    expect(decodeJwt(accessToken).roles).toBeUndefined();
    expect(await me(t, accessToken)).toEqual({ sub: 'bob', email: 'bob@example.com', name: 'Bob Example' });
  });

  it('does not ask for roles when OIDC_SCOPES says otherwise, and then gets none', async () => {
    const publicUrl = await reservePublicUrl();
    const provider = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    const api = await startTestApi({
      issuer: provider.issuer,
      publicUrl,
      env: { OIDC_SCOPES: 'openid profile email', RATE_LIMIT_PER_MINUTE: '0' },
    });
    try {
      let scope = '';
      const { accessToken } = await spaSignIn(api, (loginUrl) => {
        scope = new URL(loginUrl).searchParams.get('scope') ?? '';
        return provider.signIn(loginUrl, 'carol').then((back) => back.searchParams);
      });
      expect(scope).toBe('openid profile email');
      expect(decodeJwt(accessToken)).not.toHaveProperty('roles');
      expect(await me(api, accessToken)).not.toHaveProperty('roles');
    } finally {
      await api.close();
      await provider.close();
    }
  });
});

// docs/security.md 36 against a provider double whose ID token and userinfo assert whatever the test says.
describe('roles the provider asserts, read only from the configured claim and bounded', () => {
  let op: MisbehavingProvider;
  const apis: TestApi[] = [];

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
  });
  afterEach(() => op.reset());
  afterAll(async () => {
    for (const api of apis) await api.close();
    await op?.close();
  });

  async function api(env: Record<string, string> = {}): Promise<TestApi> {
    const started = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { RATE_LIMIT_PER_MINUTE: '0', ...env },
    });
    apis.push(started);
    return started;
  }

  it('36: never carries a role the provider did not assert in the configured claim', async () => {
    const t = await api();
    // The provider asserts roles only under other names; the browser asks for one in every way it can.
    op.behaviour.claims = { groups: ['admin'], role: 'admin', realm_access: { roles: ['admin'] } };
    op.behaviour.userinfoClaims = { groups: ['admin'], 'roles ': ['admin'] };
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const login = await t.request('/api/login?return_to=%2F%3Froles%3Dadmin&roles=admin', {
      jar,
      headers: { ...page.loginHeaders, 'x-roles': 'admin' },
    });
    const { login_url } = (await login.json()) as { login_url: string };
    const callback = await t.request(`/api/callback?${op.authorize(login_url)}&roles=admin`, {
      jar,
      headers: { ...page.callbackHeaders, 'x-gatehouse-roles': 'admin' },
    });
    expect(callback.status).toBe(200);
    const body = (await callback.json()) as { access_token: string; user: Record<string, unknown> };
    expect(body.user).not.toHaveProperty('roles');
    const accessToken = body.access_token;
    expect(decodeJwt(accessToken)).not.toHaveProperty('roles');
    expect(await me(t, accessToken)).not.toHaveProperty('roles');
  });

  it('36: takes userinfo roles over the ID token roles, never a mix of both', async () => {
    const t = await api();
    op.behaviour.claims = { roles: ['admin', 'viewer'] };
    op.behaviour.userinfoClaims = { roles: ['viewer'] };
    const { accessToken } = await spaSignIn(t, (loginUrl) => op.authorize(loginUrl));
    expect(decodeJwt(accessToken).roles).toEqual(['viewer']);
  });

  it('36: bounds an oversized list and says so in one warning, without the values', async () => {
    const t = await api();
    const asserted = Array.from({ length: 5000 }, (_, index) => `role-${index}-${'r'.repeat(40)}`);
    op.behaviour.userinfoClaims = { roles: ['secret-looking\u0007value', ...asserted] };
    const { accessToken } = await spaSignIn(t, (loginUrl) => op.authorize(loginUrl));
    const roles = decodeJwt(accessToken).roles as string[];
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.length).toBeLessThanOrEqual(32);
    expect(roles).toEqual(asserted.slice(0, roles.length));
    expect(`Bearer ${accessToken}`.length).toBeLessThanOrEqual(MAX_AUTHORIZATION_HEADER);
    expect((await me(t, accessToken)).roles).toEqual(roles);
    const warnings = t.logs.lines.filter((line) => line.includes('roles the provider asserted were dropped'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`"dropped":${5001 - roles.length}`);
    expect(warnings[0]).not.toContain('secret-looking');
    expect(warnings[0]).not.toContain('role-4999');
  });

  it('36: reads OIDC_ROLES_CLAIM as a dotted path (Keycloak) or a whole namespaced name (Auth0)', async () => {
    const keycloak = await api({ OIDC_ROLES_CLAIM: 'realm_access.roles' });
    op.behaviour.claims = { realm_access: { roles: ['admin'] }, roles: ['not-this-one'] };
    const nested = await spaSignIn(keycloak, (loginUrl) => op.authorize(loginUrl));
    expect(decodeJwt(nested.accessToken).roles).toEqual(['admin']);

    const auth0 = await api({ OIDC_ROLES_CLAIM: 'https://example.com/roles' });
    op.behaviour.claims = {};
    op.behaviour.userinfoClaims = { 'https://example.com/roles': ['editor'], roles: ['not-this-one'] };
    const namespaced = await spaSignIn(auth0, (loginUrl) => op.authorize(loginUrl));
    expect(decodeJwt(namespaced.accessToken).roles).toEqual(['editor']);
  });
});
