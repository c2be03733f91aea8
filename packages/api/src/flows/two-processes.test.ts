import { freePort, startTestPostgres, type TestPostgres, waitUntil } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateApiSigningKey } from '../keys/rotate-api-signing-key.js';
import { TEST_GATEHOUSE_SECRET } from '../store/conformance/store-backends.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import {
  type ApiClient,
  apiClient,
  reservePublicUrl,
  sameOriginJson,
  startTestApi,
  type TestApi,
} from '../testing/test-api.js';

const REFRESH = '__Host-gh_refresh';

/** A client of one process, posting as the SPA does from PUBLIC_URL (both processes serve that one origin). */
function processClient(
  t: TestApi,
  publicUrl: string,
): ApiClient & { refresh(jar: CookieJar): Promise<Response> } {
  const client = apiClient(`http://127.0.0.1:${t.api.port}`);
  return {
    ...client,
    refresh: (jar) =>
      client.request('/api/refresh', { method: 'POST', jar, headers: sameOriginJson(publicUrl), body: '{}' }),
    postFromSpa: (path, jar) =>
      client.request(path, { method: 'POST', jar, headers: sameOriginJson(publicUrl), body: '{}' }),
  };
}

// Issue 13: two API processes on one DATABASE_URL behind one PUBLIC_URL, nothing sticky (docs/security.md 38-40).
describe('two API processes on one PostgreSQL database', () => {
  let postgres: TestPostgres;
  let op: MisbehavingProvider;
  let a: TestApi;
  let b: TestApi;
  let publicUrl: string;
  let onA: ReturnType<typeof processClient>;
  let onB: ReturnType<typeof processClient>;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    op = await MisbehavingProvider.start();
    publicUrl = await reservePublicUrl();
    const env = {
      DATABASE_URL: await postgres.createDatabase(),
      GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET,
      RATE_LIMIT_PER_MINUTE: '0',
    };
    // Both share PUBLIC_URL (the load balancer's); each listens on a port of its own.
    a = await startTestApi({ issuer: op.issuer, publicUrl, env });
    const portB = await freePort();
    b = await startTestApi({
      issuer: op.issuer,
      publicUrl,
      env,
      configure: (config) => {
        config.port = portB;
      },
    });
    onA = processClient(a, publicUrl);
    onB = processClient(b, publicUrl);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await op?.close();
    await postgres?.close();
  });

  /** Steps 1-2 on `start`, the provider, steps 7-10 on `finish`. */
  async function signIn(start: ApiClient, finish: ApiClient) {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const login = (await (await start.request('/api/login', { jar, headers: page.loginHeaders })).json()) as {
      login_url: string;
    };
    const callback = await finish.request(`/api/callback?${op.authorize(login.login_url)}`, {
      jar,
      headers: page.callbackHeaders,
    });
    expect(callback.status).toBe(200);
    return { jar, token: ((await callback.json()) as { access_token: string }).access_token };
  }

  const me = (client: ApiClient, token: string) =>
    client.request('/api/me', { headers: { authorization: `Bearer ${token}` } });

  it('finishes on one process a login started on the other, and each serves the tokens of the other', async () => {
    const { jar, token } = await signIn(onA, onB);
    expect((await me(onA, token)).status).toBe(200);
    expect((await me(onB, token)).status).toBe(200);
    expect((await signIn(onB, onA)).token).toBeTruthy();
    expect(jar.cookies.get(REFRESH)).toBeTruthy();
  });

  it('refreshes on one process, then on the other', async () => {
    const { jar } = await signIn(onA, onA);
    const first = await onA.refresh(jar);
    expect(first.status).toBe(200);
    const second = await onB.refresh(jar);
    expect(second.status).toBe(200);
    const { access_token } = (await second.json()) as { access_token: string };
    expect((await me(onA, access_token)).status).toBe(200);
  });

  it('refuses on the other process, within a second, the tokens of a session logged out on one', async () => {
    const { jar, token } = await signIn(onA, onB);
    expect((await me(onB, token)).status).toBe(200);
    expect((await onA.postFromSpa('/api/logout', jar)).status).toBe(200);
    // The verified-token cache of B holds this token: the revocation must still reach it.
    let status = 200;
    const refused = await waitUntil(() => {
      void me(onB, token).then((response) => {
        status = response.status;
      });
      return status === 401;
    }, 1000);
    expect(refused).toBe(true);
  });

  it('catches on one process a refresh cookie reused after the other rotated it', async () => {
    const { jar, token } = await signIn(onA, onA);
    const stolen = jar.copy();
    const sessionId = sessionOf(jar);
    expect((await onA.refresh(jar)).status).toBe(200);
    // Past the grace (REFRESH_GRACE, 10 s): the copy is reuse, wherever it is presented.
    a.clock.advance(10_001);
    b.clock.advance(10_001);
    const reused = await onB.refresh(stolen);
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as { error: string }).error).toBe('refresh_token_reused');
    const descendant = await onA.refresh(jar);
    expect(((await descendant.json()) as { error: string }).error).toBe('session_revoked');
    expect(await waitUntil(() => a.api.server.revoked.has(sessionId), 1000)).toBe(true);
    expect((await me(onA, token)).status).toBe(401);
  });

  it('gives the same successor when a refresh whose answer was lost on one process is retried on the other', async () => {
    const { jar } = await signIn(onA, onA);
    const original = jar.copy();
    const retry = jar.copy();
    expect((await onA.refresh(jar)).status).toBe(200);
    // The answer never reached the browser: it retries with the cookie it has, on the other process.
    const again = await onB.refresh(retry);
    expect(again.status).toBe(200);
    expect(retry.cookies.get(REFRESH)).toBe(jar.cookies.get(REFRESH));
    // The successor is then used: the first cookie is a copy from now on, within the grace or not.
    expect((await onB.refresh(retry)).status).toBe(200);
    const reused = await onA.refresh(original);
    expect(((await reused.json()) as { error: string }).error).toBe('refresh_token_reused');
  });

  it('has every process sign with a key rotated by the CLI, read from the database', async () => {
    const rotated = await rotateApiSigningKey(a.api.server.store.keys);
    const published = async (client: ApiClient) =>
      (
        (await (await client.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }
      ).keys.map((key) => key.kid);
    let kidsA: string[] = [];
    let kidsB: string[] = [];
    const seen = await waitUntil(() => {
      void published(onA).then((kids) => {
        kidsA = kids;
      });
      void published(onB).then((kids) => {
        kidsB = kids;
      });
      return kidsA.includes(rotated.kid) && kidsB.includes(rotated.kid);
    }, 5000);
    expect(seen).toBe(true);
    const { token } = await signIn(onB, onB);
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({
      kid: rotated.kid,
    });
    expect((await me(onA, token)).status).toBe(200);
  });
});

function sessionOf(jar: CookieJar): string {
  return (jar.cookies.get(REFRESH) ?? '').split('.')[0] ?? '';
}
