import { setTimeout as delay } from 'node:timers/promises';
import {
  type ApiClient,
  CookieJar,
  MisbehavingProvider,
  newLoginVerifier,
  reservePublicUrl,
  sameOriginJson,
  startTestApi,
  type TestApi,
  testBackends,
} from '@gatehouse/api/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../testing/run-cli-in-process.js';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) GatehouseTest/1.0';

async function cli(argv: string[], env: Record<string, string>) {
  return runCliInProcess(argv, env);
}

// The operator's `gatehouse sessions revoke` against a running API: the same revocation path as logout and
// back-channel logout (the store's feed), so its tokens are refused within a second and its cookie at once.
describe.each(testBackends(afterAll))('gatehouse sessions against a running API on $name', (backend) => {
  let op: MisbehavingProvider;
  let t: TestApi | undefined;
  beforeAll(async () => {
    op = await MisbehavingProvider.start();
  });
  afterAll(async () => op?.close());
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function signIn(api: ApiClient) {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const headers = { ...page.loginHeaders, 'user-agent': BROWSER };
    const login = (await (await api.request('/api/login', { jar, headers })).json()) as { login_url: string };
    const callback = await api.request(`/api/callback?${op.authorize(login.login_url)}`, {
      jar,
      headers: { ...page.callbackHeaders, 'user-agent': BROWSER },
    });
    expect(callback.status).toBe(200);
    return { jar, token: ((await callback.json()) as { access_token: string }).access_token };
  }

  it('lists the sign-in with its address and browser; a revoke ends its tokens within a second and its refresh at once', async () => {
    const env = await backend.env();
    const publicUrl = await reservePublicUrl();
    t = await startTestApi({ issuer: op.issuer, publicUrl, env: { ...env, RATE_LIMIT_PER_MINUTE: '0' } });
    const api = t;
    const cliEnv = { DATA_DIR: api.dataDir, ...env };
    const { jar, token } = await signIn(api);
    const other = await signIn(api);
    const me = (bearer: string) => api.request('/api/me', { headers: { authorization: `Bearer ${bearer}` } });
    expect((await me(token)).status).toBe(200);

    const listed = await cli(['sessions', 'list', '--json'], cliEnv);
    expect(listed.code).toBe(0);
    const sessions = JSON.parse(listed.stdout) as { id: string; address: string; user_agent: string }[];
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({ address: '127.0.0.1', user_agent: BROWSER });
    // Nothing of the session's secrets: not the refresh cookie, not the access token.
    const cookie = jar.cookies.get('__Host-gh_refresh') ?? 'missing';
    expect(listed.stdout).not.toContain(cookie);
    expect(listed.stdout).not.toContain(token);

    // The first sign-in's session, by the `sid` its access token carries (both signed in at one fake-clock instant).
    const id = sidOf(token);
    expect(sessions.map((session) => session.id).sort()).toEqual([id, sidOf(other.token)].sort());
    expect((await cli(['sessions', 'revoke', id], cliEnv)).code).toBe(0);
    // Every process reads the revocation feed each second (and PostgreSQL pushes it at once); the bound only keeps
    // a broken run from hanging, each request awaited so none outlives the test.
    let status = 200;
    for (let tries = 0; tries < 50 && status !== 401; tries++) {
      status = (await me(token)).status;
      if (status !== 401) await delay(100);
    }
    expect(status).toBe(401);
    const refresh = await api.request('/api/refresh', {
      method: 'POST',
      jar,
      headers: sameOriginJson(publicUrl),
      body: '{}',
    });
    expect(refresh.status).toBe(401);
    expect(((await refresh.json()) as { error: string }).error).toBe('session_revoked');
    // The other session lives on.
    expect((await me(other.token)).status).toBe(200);
    const left = JSON.parse((await cli(['sessions', 'list', '--json'], cliEnv)).stdout) as { id: string }[];
    expect(left.map((session) => session.id)).not.toContain(id);
    expect(left).toHaveLength(1);
  });
});

/** The session id (`sid`) an API access token carries. */
function sidOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sid?: string;
  };
  return payload.sid ?? 'missing';
}
