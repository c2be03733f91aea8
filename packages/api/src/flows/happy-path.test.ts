import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_PIPELINE } from '../oidc/callback-checks/index.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';
import { testBackends } from '../testing/test-backends.js';

const SECRET = 'test-client-secret-value';

describe.each(testBackends(afterAll))('the flow against a plain oidc-provider, on $name', (backend) => {
  let op: OidcProviderFixture;
  let t: TestApi;

  beforeAll(async () => {
    const publicUrl = await reservePublicUrl();
    op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    t = await startTestApi({ issuer: op.issuer, publicUrl, env: await backend.env() });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  async function login(jar: CookieJar, who = 'alice', returnTo?: string) {
    const page = newLoginVerifier();
    const started = await t.request(
      `/api/login${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`,
      { jar, headers: page.loginHeaders },
    );
    expect(started.status).toBe(200);
    // The transaction cookie of the SPA flow: per transaction, HttpOnly, SameSite=Strict.
    expect(started.headers.getSetCookie().join()).toMatch(
      /__Host-gh_tx_[\w-]+=[\w-]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Strict/,
    );
    const { login_url, flow } = (await started.json()) as { login_url: string; flow: { step: number }[] };
    // Flow inspector steps 1-2, with state, nonce and challenge masked.
    expect(flow.map((step) => step.step)).toEqual([1, 2]);
    const params = new URL(login_url).searchParams;
    for (const name of ['state', 'nonce', 'code_challenge']) {
      expect(JSON.stringify(flow)).not.toContain(params.get(name) ?? 'missing');
    }
    const back = await op.signIn(login_url, who);
    expect(back.pathname).toBe('/callback');
    const callback = await t.request(`/api/callback${back.search}`, { jar, headers: page.callbackHeaders });
    return { started, callback, back };
  }

  it('logs in (steps 1-10), answers /api/me, refreshes with rotation and logs out', async () => {
    const jar = new CookieJar();
    const { callback } = await login(jar, 'alice', '/contacts?tab=1');
    expect(callback.status).toBe(200);
    expect(callback.headers.get('cache-control')).toBe('no-store');
    const body = (await callback.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      user: { sub: 'alice', email: 'alice@example.com', name: 'Alice Example', email_verified: true },
      return_to: '/contacts?tab=1',
    });
    const flow = body.flow as { step: number; status: string }[];
    expect(flow.map((step) => step.step)).toEqual([7, 8, 9, 10]);
    expect(flow.every((step) => step.status === 'ok')).toBe(true);
    // Issue 11, finding 10: step 9 lists every check of the ID token, those openid-client made as the token
    // response arrived included (it listed signature, audience, azp, subject and userinfo only).
    const validated = flow.find((step) => step.step === 9) as unknown as { detail: string };
    for (const check of CALLBACK_PIPELINE.filter((each) => each.step === 9)) {
      expect(check.inspects, check.name).toBeDefined();
      expect(validated.detail).toContain(check.inspects);
    }
    for (const claim of ['alg', 'iss', 'aud', 'azp', 'exp', 'iat', 'nonce', 'sub', 'signature', 'userinfo']) {
      expect(validated.detail).toContain(claim);
    }
    // The refresh cookie, never the provider's tokens; the spent transaction's __Host- cookie cleared validly.
    const setCookie = callback.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/^__Host-gh_tx_[\w-]+=;.*Path=\/;.*Secure/m);
    expect(setCookie).toMatch(
      /^__Host-gh_refresh=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/m,
    );
    expect(JSON.stringify(body)).not.toMatch(/id_token|refresh_token/);

    const token = body.access_token as string;
    const me = await t.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ sub: 'alice', email: 'alice@example.com', name: 'Alice Example' });

    const firstRefresh = jar.cookies.get('__Host-gh_refresh');
    const refreshed = await t.postFromSpa('/api/refresh', jar);
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('cache-control')).toBe('no-store');
    const refreshedBody = (await refreshed.json()) as { access_token: string; user: { sub: string } };
    expect(refreshedBody.user.sub).toBe('alice');
    expect(jar.cookies.get('__Host-gh_refresh')).not.toBe(firstRefresh);

    const logout = await t.postFromSpa('/api/logout', jar);
    expect(logout.status).toBe(200);
    const { logout_url } = (await logout.json()) as { logout_url: string };
    const end = new URL(logout_url);
    expect(end.origin).toBe(op.issuer);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${t.url}/`);
    // docs/security.md 14: the provider's ID token never reaches the browser, not even as a logout hint.
    expect(end.searchParams.get('id_token_hint')).toBeNull();
    expect(end.searchParams.get('client_id')).toBe('gatehouse-api');
    expect(logout_url).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(end.searchParams.get('state')).toBeTruthy();
    // A prefixed cookie is only replaced (here: cleared) by a Set-Cookie with the same prefix rules: Secure, and
    // the same Path, or the browser ignores it (RFC 6265bis 4.1.3).
    expect(logout.headers.getSetCookie().join('\n')).toMatch(/^__Host-gh_refresh=;.*Path=\/;.*Secure/m);

    // The session is over at once for the access token too (sid revocation).
    const after = await t.request('/api/me', {
      headers: { authorization: `Bearer ${refreshedBody.access_token}` },
    });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('lets two tabs log in at once (independent transactions)', async () => {
    // One browser (one cookie jar), two tabs: each keeps its own login verifier in its own sessionStorage.
    const jar = new CookieJar();
    const [tabA, tabB] = [newLoginVerifier(), newLoginVerifier()];
    const first = await t.request('/api/login', { jar, headers: tabA.loginHeaders });
    const second = await t.request('/api/login', { jar, headers: tabB.loginHeaders });
    const urlA = ((await first.json()) as { login_url: string }).login_url;
    const urlB = ((await second.json()) as { login_url: string }).login_url;
    expect(new URL(urlA).searchParams.get('state')).not.toBe(new URL(urlB).searchParams.get('state'));
    expect(new URL(urlA).searchParams.get('nonce')).not.toBe(new URL(urlB).searchParams.get('nonce'));
    const backB = await op.signIn(urlB, 'bob');
    const backA = await op.signIn(urlA, 'alice');
    const doneB = await t.request(`/api/callback${backB.search}`, { jar, headers: tabB.callbackHeaders });
    const doneA = await t.request(`/api/callback${backA.search}`, { jar, headers: tabA.callbackHeaders });
    expect(doneA.status).toBe(200);
    expect(doneB.status).toBe(200);
  });

  it('runs the simple server-side flow with 302s and the same refresh cookie', async () => {
    const jar = new CookieJar();
    const start = await t.request('/authorization-code/login?return_to=/after', { jar });
    expect(start.status).toBe(302);
    expect(start.headers.getSetCookie().join()).toMatch(/SameSite=Lax/);
    const back = await op.signIn(start.headers.get('location') ?? '');
    expect(back.pathname).toBe('/authorization-code/callback');
    const done = await t.request(`${back.pathname}${back.search}`, { jar });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(`${t.url}/after`);
    expect(jar.cookies.has('__Host-gh_refresh')).toBe(true);
  });

  it('back-channel logout: ending the session at the provider ends the API session at once', async () => {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const { login_url } = (await (
      await t.request('/api/login', { jar, headers: page.loginHeaders })
    ).json()) as {
      login_url: string;
    };
    const { back, jar: providerJar } = await op.signInSession(login_url, 'alice');
    const callback = await t.request(`/api/callback${back.search}`, { jar, headers: page.callbackHeaders });
    const { access_token } = (await callback.json()) as { access_token: string };
    const me = () => t.request('/api/me', { headers: { authorization: `Bearer ${access_token}` } });
    expect((await me()).status).toBe(200);

    const errors: unknown[] = [];
    op.provider.on('backchannel.error', (_ctx: unknown, error: unknown) => errors.push(error));
    await op.endSession(providerJar);
    expect(errors).toEqual([]);

    expect((await me()).status).toBe(401);
    const refresh = await t.postFromSpa('/api/refresh', jar);
    expect(refresh.status).toBe(401);
  });

  it('serves its JWKS, health and readiness', async () => {
    const jwks = (await (await t.request('/.well-known/jwks.json')).json()) as {
      keys: { alg: string; d?: string }[];
    };
    expect(jwks.keys[0]?.alg).toBe('ES256');
    expect(jwks.keys.some((key) => key.d !== undefined)).toBe(false);
    expect((await t.request('/healthz')).status).toBe(200);
    expect((await t.request('/readyz')).status).toBe(200);
  });

  it('never logs a code, state, token or the client secret', () => {
    const text = t.logs.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/code=[A-Za-z0-9_-]{10}/);
    expect(text).not.toMatch(/state=[A-Za-z0-9_-]{10}/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('puts the ID token in the logout URL only when OIDC_LOGOUT_HINT=id_token_hint (for providers that need it)', async () => {
    const publicUrl = await reservePublicUrl();
    const provider = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    const api = await startTestApi({
      issuer: provider.issuer,
      publicUrl,
      env: { OIDC_LOGOUT_HINT: 'id_token_hint' },
    });
    try {
      const jar = new CookieJar();
      const page = newLoginVerifier();
      const started = (await (
        await api.request('/api/login', { jar, headers: page.loginHeaders })
      ).json()) as {
        login_url: string;
      };
      const back = await provider.signIn(started.login_url);
      expect(
        (await api.request(`/api/callback${back.search}`, { jar, headers: page.callbackHeaders })).status,
      ).toBe(200);
      const logout = await api.postFromSpa('/api/logout', jar);
      const end = new URL(((await logout.json()) as { logout_url: string }).logout_url);
      expect(end.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    } finally {
      await api.close();
      await provider.close();
    }
  });
});
