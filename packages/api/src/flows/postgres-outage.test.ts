import { startTestPostgres, type TestPostgres, waitUntil } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_GATEHOUSE_SECRET } from '../store/conformance/store-backends.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

// docs/security.md 42: the database unreachable is a 503 with Retry-After, never a crash, a hang or a stack trace,
// and never a token without its commit; the process serves again by itself once the database is back.
describe('the API while PostgreSQL is down', () => {
  let postgres: TestPostgres;
  let op: MisbehavingProvider;
  let t: TestApi;
  let url: string;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    op = await MisbehavingProvider.start();
    url = await postgres.createDatabase();
    t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { DATABASE_URL: url, GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET },
    });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
    await postgres?.close();
  });

  it('answers 503 database_unavailable with Retry-After, serves valid tokens from memory, and recovers alone', async () => {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const login = (await (await t.request('/api/login', { jar, headers: page.loginHeaders })).json()) as {
      login_url: string;
    };
    const callback = await t.request(`/api/callback?${op.authorize(login.login_url)}`, {
      jar,
      headers: page.callbackHeaders,
    });
    const { access_token } = (await callback.json()) as { access_token: string };
    const pending = newLoginVerifier();
    const started = (await (
      await t.request('/api/login', { jar, headers: pending.loginHeaders })
    ).json()) as { login_url: string };
    const tokenCalls = op.requestsTo('/token').length;
    const cookie = jar.cookies.get('__Host-gh_refresh');

    await postgres.stop();
    try {
      const ready = await t.request('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'database_unavailable' });
      expect(ready.headers.get('retry-after')).toBe('5');

      const refresh = await t.postFromSpa('/api/refresh', jar);
      expect(refresh.status).toBe(503);
      expect(refresh.headers.get('retry-after')).toBe('5');
      expect(await refresh.json()).toMatchObject({ error: 'database_unavailable' });
      expect(refresh.headers.getSetCookie()).toEqual([]);
      expect(jar.cookies.get('__Host-gh_refresh')).toBe(cookie);

      // A login finishing now: its transaction cannot be spent, so the code is never exchanged and no token made.
      const finishing = await t.request(`/api/callback?${op.authorize(started.login_url)}`, {
        jar,
        headers: pending.callbackHeaders,
      });
      expect(finishing.status).toBe(503);
      expect(await finishing.json()).toMatchObject({ error: 'database_unavailable' });
      expect(op.requestsTo('/token')).toHaveLength(tokenCalls);
      expect((await t.request('/api/login', { headers: newLoginVerifier().loginHeaders })).status).toBe(503);

      // A valid token needs no database: the keys and the revocations are in memory (README: outage).
      const me = await t.request('/api/me', { headers: { authorization: `Bearer ${access_token}` } });
      expect(me.status).toBe(200);
    } finally {
      await postgres.start();
    }
    expect(
      await waitUntil(() => {
        void t.request('/readyz').then((response) => {
          ready = response.status;
        });
        return ready === 200;
      }, 15_000),
    ).toBe(true);
    // The refresh that failed rotated nothing: the same cookie works now.
    expect((await t.postFromSpa('/api/refresh', jar)).status).toBe(200);
    const log = t.logs.text();
    expect(log).toContain('database_unavailable');
    expect(log).not.toContain(url);
    expect(log).not.toMatch(/\n\s+at /);
  });
});

let ready = 0;
