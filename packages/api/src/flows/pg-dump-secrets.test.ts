import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GatehouseSecret } from '@gatehouse/common';
import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_GATEHOUSE_SECRET } from '../store/conformance/store-backends.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

const run = promisify(execFile);
const PG_DUMP = `${process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'}/pg_dump`;

/** The forms a key can be written in: raw bytes never appear in a text dump, its encodings might. */
function encodings(key: Buffer): string[] {
  return [key.toString('base64url'), key.toString('base64'), key.toString('hex')];
}

// docs/security.md 40: nothing secret in plain text in a dump of the database, after real use.
describe('a pg_dump of the API on PostgreSQL', () => {
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
      env: { DATABASE_URL: url, GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET, RATE_LIMIT_PER_MINUTE: '0' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
    await postgres?.close();
  });

  async function signIn(): Promise<{ jar: CookieJar; token: string }> {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const login = (await (await t.request('/api/login', { jar, headers: page.loginHeaders })).json()) as {
      login_url: string;
    };
    const callback = await t.request(`/api/callback?${op.authorize(login.login_url)}`, {
      jar,
      headers: page.callbackHeaders,
    });
    expect(callback.status).toBe(200);
    return { jar, token: ((await callback.json()) as { access_token: string }).access_token };
  }

  it('holds no key, token, verifier or secret the test knows', async () => {
    const known: string[] = [TEST_GATEHOUSE_SECRET, op.clientSecret];
    const kept = await signIn();
    const ended = await signIn();
    known.push(kept.token, ended.token, kept.jar.cookies.get('__Host-gh_refresh') ?? '');
    const refreshed = await t.postFromSpa('/api/refresh', kept.jar);
    known.push(((await refreshed.json()) as { access_token: string }).access_token);
    known.push(ended.jar.cookies.get('__Host-gh_refresh') ?? '');
    expect((await t.postFromSpa('/api/logout', ended.jar)).status).toBe(200);
    // A login left pending: its PKCE verifier is in the table.
    const pending = newLoginVerifier();
    const started = (await (await t.request('/api/login', { headers: pending.loginHeaders })).json()) as {
      login_url: string;
    };
    expect(started.login_url).toContain('code_challenge=');
    for (const cookie of [kept.jar.cookies.get('__Host-gh_refresh') ?? '']) {
      known.push(cookie, cookie.split('.')[2] ?? '');
    }
    // Every token the provider gave the API, and every PKCE verifier the API sent it.
    for (const answer of op.issued) {
      for (const name of ['id_token', 'access_token', 'refresh_token']) known.push(String(answer[name]));
    }
    for (const request of op.requestsTo('/token')) {
      known.push(new URLSearchParams(request.body).get('code_verifier') ?? '');
    }
    // The API's keys, and the keys derived from GATEHOUSE_SECRET.
    const keys = t.api.server.store.keys;
    for (const key of await keys.signingKeys(t.clock.now())) known.push(String(key.private_jwk.d));
    known.push(String((await keys.clientAssertionJwk()).d));
    known.push(...encodings(await keys.sealingKey()));
    const secret = GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET });
    for (const purpose of ['api-keys', 'api-login-transactions', 'secret-check']) {
      known.push(...encodings(secret.deriveKey(purpose)));
    }
    expect(op.issued.length).toBe(2);
    const secrets = known.filter((value) => value.length >= 16 && value !== 'undefined');
    expect(secrets.length).toBeGreaterThan(20);

    const { stdout: dump } = await run(PG_DUMP, ['--no-owner', '--dbname', url], {
      maxBuffer: 64 * 1024 * 1024,
    });
    // The dump holds the rows (sealed), so a search that finds nothing means something.
    expect(dump).toContain('COPY public.api_sessions');
    expect(dump).toContain('COPY public.api_keys');
    expect(dump).toMatch(/\tv1\.[\w-]+\.[\w-]+\.[\w-]+\t/);
    for (const value of secrets)
      expect(dump.includes(value), `a secret in the dump: ${value.slice(0, 6)}…`).toBe(false);
  });
});
