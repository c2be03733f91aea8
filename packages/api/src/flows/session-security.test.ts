import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import {
  fakeClock,
  reservePublicUrl,
  sameOriginJson,
  startTestApi,
  type TestApi,
} from '../testing/test-api.js';
import { testBackends } from '../testing/test-backends.js';
import { MAX_ACCESS_TOKEN_TTL } from '../tokens/access-token-lifetime.js';

// docs/security.md C at the HTTP level (19: token in the query; the 401 answer) and D (20-23).
const backends = testBackends(afterAll);

// REFRESH_GRACE=0: reuse is judged at once here; the grace has its own tests (refresh-grace.test.ts).
describe.each(backends)('sessions, refresh and CSRF, on $name', (backend) => {
  let op: MisbehavingProvider;
  let t: TestApi;

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
    t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { RATE_LIMIT_PER_MINUTE: '0', REFRESH_GRACE: '0', ...(await backend.env()) },
    });
  });
  afterEach(() => op.reset());
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  async function signIn(): Promise<{ jar: CookieJar; token: string }> {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const login = (await (await t.request('/api/login', { jar, headers: page.loginHeaders })).json()) as {
      login_url: string;
    };
    const response = await t.request(`/api/callback?${op.authorize(login.login_url)}`, {
      jar,
      headers: page.callbackHeaders,
    });
    expect(response.status).toBe(200);
    return { jar, token: ((await response.json()) as { access_token: string }).access_token };
  }

  const refresh = (jar: CookieJar, headers: Record<string, string> = sameOriginJson(t.url)) =>
    t.request('/api/refresh', { method: 'POST', jar, headers, body: '{}' });
  const me = (token: string) => t.request('/api/me', { headers: { authorization: `Bearer ${token}` } });

  it('19: answers 401 with an escaped WWW-Authenticate challenge and never reads a token from the query', async () => {
    const { token } = await signIn();
    const inQuery = await t.request(`/api/me?access_token=${token}`);
    expect(inQuery.status).toBe(401);
    expect(inQuery.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token", error_description="[^"]+"$/,
    );
    expect(await inQuery.json()).toMatchObject({ error: 'invalid_token' });
    const huge = await t.request('/api/me', { headers: { authorization: `Bearer ${'a'.repeat(5000)}` } });
    expect(huge.status).toBe(401);
    expect((await me(token)).status).toBe(200);
  });

  it('20: refuses refresh and logout from another site', async () => {
    const { jar } = await signIn();
    const attacks: Record<string, string>[] = [
      { origin: 'https://evil.example', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'same-site', origin: t.url, 'content-type': 'application/json' },
      { origin: 'null', 'content-type': 'application/json' },
      { 'content-type': 'application/json' },
      { origin: t.url, 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' },
      { origin: t.url, 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of attacks) {
      for (const path of ['/api/refresh', '/api/logout']) {
        const response = await t.request(path, { method: 'POST', jar, headers, body: '{}' });
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(((await response.json()) as { error: string }).error).toBe('cross_site_request');
        expect(
          response.headers.getSetCookie().some((cookie) => cookie.startsWith('__Host-gh_refresh=')),
        ).toBe(false);
      }
    }
    // The session is untouched: a same-origin refresh still works (and needs nothing beyond what fetch sends).
    expect((await refresh(jar, { origin: t.url, 'content-type': 'application/json' })).status).toBe(200);
  });

  it('21: a refresh cookie used twice revokes the whole session and every descendant', async () => {
    const { jar, token } = await signIn();
    const stolen = jar.cookies.get('__Host-gh_refresh') ?? '';
    const first = await refresh(jar);
    expect(first.status).toBe(200);
    const childToken = ((await first.json()) as { access_token: string }).access_token;
    // The attacker replays the old cookie.
    const replay = new CookieJar();
    replay.cookies.set('__Host-gh_refresh', stolen);
    const reused = await refresh(replay);
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as { error: string }).error).toBe('refresh_token_reused');
    // The legitimate descendant cookie is dead too, and so is every access token of the session.
    const descendant = await refresh(jar);
    expect(descendant.status).toBe(401);
    expect(((await descendant.json()) as { error: string }).error).toBe('session_revoked');
    expect((await me(token)).status).toBe(401);
    expect((await me(childToken)).status).toBe(401);
  });

  // Regression: reuse detection ended with the old token's idle life. The expiry sweep deleted spent tokens a
  // day after they were issued, so a cookie whose stolen copy had been rotated on for days was merely unknown
  // when its user came back, and the session it leaked lived on (RFC 9700 4.14.2).
  it('21: a refresh cookie rotated away days ago still revokes the session, after the expiry sweep', async () => {
    const { jar } = await signIn();
    const thief = new CookieJar();
    thief.cookies.set('__Host-gh_refresh', jar.cookies.get('__Host-gh_refresh') ?? '');
    let advanced = 0;
    try {
      // The user is away for 60 hours; the thief refreshes every 20, so the session never goes idle.
      for (let step = 0; step < 3; step++) {
        expect((await refresh(thief)).status).toBe(200);
        t.clock.advance(20 * 3_600_000);
        advanced += 20 * 3_600_000;
      }
      await t.api.server.store.sweep(t.clock.now());
      const back = await refresh(jar);
      expect(back.status).toBe(401);
      expect(((await back.json()) as { error: string }).error).toBe('refresh_token_reused');
      expect((await refresh(thief)).status).toBe(401);
    } finally {
      t.clock.advance(-advanced);
    }
  });

  it('21: a made-up refresh cookie naming a real session is unknown, and does not end that session', async () => {
    const { jar } = await signIn();
    const [sessionId] = (jar.cookies.get('__Host-gh_refresh') ?? '').split('.');
    for (const forged of [`${sessionId}.0.${'A'.repeat(43)}`, `${sessionId}.9.${'A'.repeat(43)}`]) {
      const attacker = new CookieJar();
      attacker.cookies.set('__Host-gh_refresh', forged);
      const answer = await refresh(attacker);
      expect(answer.status).toBe(401);
      expect(((await answer.json()) as { error: string }).error).toBe('invalid_refresh_token');
    }
    expect((await refresh(jar)).status).toBe(200);
  });

  it('22: after logout the refresh cookie is refused server-side', async () => {
    const { jar, token } = await signIn();
    const cookie = jar.cookies.get('__Host-gh_refresh') ?? '';
    const logout = await t.postFromSpa('/api/logout', jar);
    expect(logout.status).toBe(200);
    const kept = new CookieJar();
    kept.cookies.set('__Host-gh_refresh', cookie);
    const again = await refresh(kept);
    expect(again.status).toBe(401);
    expect((await me(token)).status).toBe(401);
  });

  it('22: logout with a refresh cookie a stolen copy already rotated still ends the session for the thief', async () => {
    const { jar } = await signIn();
    const thief = new CookieJar();
    thief.cookies.set('__Host-gh_refresh', jar.cookies.get('__Host-gh_refresh') ?? '');
    expect((await refresh(thief)).status).toBe(200);
    const logout = await t.postFromSpa('/api/logout', jar);
    expect(logout.status).toBe(200);
    // The user's (spent) cookie carries no id_token_hint to hand out.
    expect(((await logout.json()) as { logout_url: string }).logout_url).not.toContain('id_token_hint');
    const after = await refresh(thief);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: string }).error).toBe('session_revoked');
  });

  it('21: of concurrent refreshes with one cookie at most one succeeds, and the race revokes the session', async () => {
    const { jar } = await signIn();
    const cookie = jar.cookies.get('__Host-gh_refresh') ?? '';
    const jars = Array.from({ length: 6 }, () => {
      const copy = new CookieJar();
      copy.cookies.set('__Host-gh_refresh', cookie);
      return copy;
    });
    const responses = await Promise.all(jars.map((copy) => refresh(copy)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(1);
    expect(statuses.filter((status) => status !== 200 && status !== 401)).toEqual([]);
    // Whoever won, its rotated cookie is dead too: the reuse revoked the whole session.
    for (const copy of jars) {
      if (copy.cookies.get('__Host-gh_refresh') === undefined) continue;
      expect((await refresh(copy)).status).toBe(401);
    }
  });

  it('answers 204 (no session, not an error) to a refresh without any cookie, and 401 to an unknown one', async () => {
    const none = await refresh(new CookieJar());
    expect(none.status).toBe(204);
    expect(none.headers.get('cache-control')).toBe('no-store');
    expect(none.headers.getSetCookie()).toEqual([]);
    const unknown = new CookieJar();
    unknown.cookies.set('__Host-gh_refresh', 'not-a-session');
    expect((await refresh(unknown)).status).toBe(401);
  });

  it('refuses a session past its idle lifetime', async () => {
    const { jar } = await signIn();
    t.clock.advance(86_400_000 + 1000);
    try {
      const response = await refresh(jar);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_refresh_token');
    } finally {
      t.clock.advance(-(86_400_000 + 1000));
    }
  });

  it('23: never sends CORS headers, not even for a foreign Origin with credentials', async () => {
    const { token } = await signIn();
    const preflight = await t.request('/api/me', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const read = await t.request('/api/me', {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` },
    });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    expect(read.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('sets the security headers and no-store on every API response', async () => {
    for (const path of ['/api/login', '/healthz', '/api/me', '/nope']) {
      const response = await t.request(path);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      if (path.startsWith('/api/')) expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('back-channel logout: a valid logout_token revokes every session of that provider sid', async () => {
    const { jar, token } = await signIn();
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: op.issuer,
      aud: op.clientId,
      iat: now,
      exp: now + 120,
      jti: `jti-${now}-${Math.random()}`,
      sid: 'provider-session-1',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    };
    const post = (logoutToken: string) =>
      t.request('/api/backchannel-logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
      });
    const refused: [string, string][] = [
      ['wrong signature', op.sign({}, claims, 'other-key', 'key-1')],
      ['alg none', op.sign({}, claims, 'none', 'key-1')],
      ['wrong iss', op.sign({}, { ...claims, iss: 'https://evil.example' }, 'key', 'key-1')],
      ['wrong aud', op.sign({}, { ...claims, aud: 'other' }, 'key', 'key-1')],
      ['no events', op.sign({}, { ...claims, events: undefined }, 'key', 'key-1')],
      ['with nonce', op.sign({}, { ...claims, nonce: 'n' }, 'key', 'key-1')],
      ['neither sid nor sub', op.sign({}, { ...claims, sid: undefined }, 'key', 'key-1')],
    ];
    for (const [name, logoutToken] of refused) {
      const response = await post(logoutToken);
      expect(response.status, name).toBe(400);
      expect(((await response.json()) as { error: string }).error, name).toBe('invalid_logout_token');
    }
    expect((await me(token)).status).toBe(200);

    const valid = op.sign({}, claims, 'key', 'key-1');
    expect((await post(valid)).status).toBe(200);
    expect((await me(token)).status).toBe(401);
    expect((await refresh(jar)).status).toBe(401);
    // jti replay is refused.
    expect((await post(valid)).status).toBe(400);
  });
  it('back-channel logout: a jti stays refused for as long as its token would pass, whenever the store sweeps', async () => {
    const iat = Math.floor(t.clock.now() / 1000) + 25; // within the 30 s tolerance for a clock ahead of ours
    const token = op.sign(
      {},
      {
        iss: op.issuer,
        aud: op.clientId,
        iat,
        jti: `jti-sweep-${iat}-${Math.random()}`,
        sid: 'provider-session-sweep',
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      },
      'key',
      'key-1',
    );
    const post = () =>
      t.request('/api/backchannel-logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
      });
    expect((await post()).status).toBe(200);
    const elapsed = 10 * 60 * 1000 + 20_000;
    t.clock.advance(elapsed);
    try {
      await t.api.server.store.sweep(t.clock.now());
      // iat + 10 min + 30 s tolerance has not passed: the token still verifies, so its jti must still be known.
      expect((await post()).status).toBe(400);
    } finally {
      t.clock.advance(-elapsed);
    }
  });
});

describe.each(backends)('revocation across a restart, on $name', (backend) => {
  it('refuses a token of a session revoked before the restart for as long as the token could verify', async () => {
    const op = await MisbehavingProvider.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-revoked-restart-'));
    const clock = fakeClock();
    const options = {
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      dataDir,
      clock,
      env: {
        ACCESS_TOKEN_TTL: String(MAX_ACCESS_TOKEN_TTL),
        RATE_LIMIT_PER_MINUTE: '0',
        ...(await backend.env()),
      },
    };
    try {
      const before = await startTestApi(options);
      let token: string;
      try {
        const jar = new CookieJar();
        const page = newLoginVerifier();
        const login = (await (
          await before.request('/api/login', { jar, headers: page.loginHeaders })
        ).json()) as {
          login_url: string;
        };
        const callback = await before.request(`/api/callback?${op.authorize(login.login_url)}`, {
          jar,
          headers: page.callbackHeaders,
        });
        token = ((await callback.json()) as { access_token: string }).access_token;
        const logout = await before.postFromSpa('/api/logout', jar);
        expect(logout.status).toBe(200);
      } finally {
        await before.close();
      }

      // Past the token's exp but within the verifier's 5 s clock tolerance: only the revocation can refuse it.
      clock.advance((MAX_ACCESS_TOKEN_TTL + 4) * 1000);
      const after = await startTestApi(options);
      try {
        const me = await after.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
        expect(me.status).toBe(401);
        expect(((await me.json()) as { error: string }).error).toBe('session_revoked');
      } finally {
        await after.close();
      }
    } finally {
      await op.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.each(backends)('rate limits, on $name', (backend) => {
  it('answers 429 with Retry-After past RATE_LIMIT_PER_MINUTE on /api/login', async () => {
    const op = await MisbehavingProvider.start();
    const t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { RATE_LIMIT_PER_MINUTE: '3', ...(await backend.env()) },
    });
    try {
      const headers = newLoginVerifier().loginHeaders;
      for (let i = 0; i < 3; i++) expect((await t.request('/api/login', { headers })).status).toBe(200);
      const limited = await t.request('/api/login', { headers });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await limited.json()) as { error: string }).error).toBe('rate_limited');
      // Per route: the callback has its own budget.
      expect((await t.request('/api/callback?state=x')).status).toBe(400);
    } finally {
      await t.close();
      await op.close();
    }
  });

  it('counts one budget for every process sharing the store (no N times the limit with N processes)', async () => {
    const op = await MisbehavingProvider.start();
    const env = { RATE_LIMIT_PER_MINUTE: '3', ...(await backend.env()) };
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-shared-limit-'));
    const first = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env,
      dataDir,
    });
    const second = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env,
      dataDir,
    });
    try {
      const headers = newLoginVerifier().loginHeaders;
      expect((await first.request('/api/login', { headers })).status).toBe(200);
      expect((await second.request('/api/login', { headers })).status).toBe(200);
      expect((await first.request('/api/login', { headers })).status).toBe(200);
      const limited = await second.request('/api/login', { headers });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await first.close();
      await second.close();
      await op.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
