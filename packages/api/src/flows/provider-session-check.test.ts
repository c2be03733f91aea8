import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { reservePublicUrl, sameOriginJson, startTestApi, type TestApi } from '../testing/test-api.js';
import { type TestBackend, testBackends } from '../testing/test-backends.js';

const SECRET = 'test-client-secret-value';
const INTERVAL_S = 900;
const INTERVAL_MS = INTERVAL_S * 1000;

// docs/security.md 49: with OIDC_SESSION_CHECK_INTERVAL the API asks the provider again at a refresh once the
// interval has passed, so a user disabled there (no back-channel logout sent) loses the API session then.
describe.each(testBackends(afterAll))(
  'sessions that follow the provider, on $name',
  (backend: TestBackend) => {
    let op: OidcProviderFixture | undefined;
    let t: TestApi | undefined;
    afterEach(async () => {
      await t?.close();
      await op?.close();
      t = undefined;
      op = undefined;
    });

    let databaseUrl: string | undefined;

    /** Everything the API's store holds about sessions, as text: the SQLite files, or PostgreSQL's session rows. */
    async function storedText(): Promise<string> {
      if (databaseUrl === undefined) {
        const dir = join(t?.dataDir ?? '', 'api');
        return readdirSync(dir)
          .filter((name) => name.startsWith('api.sqlite'))
          .map((name) => readFileSync(join(dir, name)).toString('latin1'))
          .join('\n');
      }
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ row: string }>(
          'SELECT row_to_json(s)::text AS row FROM api_sessions s',
        );
        return rows.map((row) => row.row).join('\n');
      } finally {
        await client.end();
      }
    }

    async function start(options: { refreshTokens: boolean; interval?: number }) {
      const publicUrl = await reservePublicUrl();
      const env = await backend.env();
      databaseUrl = env.DATABASE_URL;
      op = await startOidcProvider({
        clientId: 'gatehouse-api',
        clientSecret: SECRET,
        publicUrl,
        refreshTokens: options.refreshTokens,
      });
      t = await startTestApi({
        issuer: op.issuer,
        publicUrl,
        env: {
          ...env,
          RATE_LIMIT_PER_MINUTE: '0',
          OIDC_SESSION_CHECK_INTERVAL: String(options.interval ?? INTERVAL_S),
        },
      });
      return { op, t };
    }

    async function signIn(who: string) {
      if (op === undefined || t === undefined) throw new Error('not started');
      const jar = new CookieJar();
      const page = newLoginVerifier();
      const started = await t.request('/api/login', { jar, headers: page.loginHeaders });
      const { login_url } = (await started.json()) as { login_url: string };
      const back = await op.signIn(login_url, who);
      const callback = await t.request(`/api/callback${back.search}`, { jar, headers: page.callbackHeaders });
      expect(callback.status).toBe(200);
      const { access_token } = (await callback.json()) as { access_token: string };
      return { jar, token: access_token, loginUrl: new URL(login_url) };
    }

    async function refresh(jar: CookieJar) {
      if (t === undefined) throw new Error('not started');
      const response = await t.request('/api/refresh', {
        method: 'POST',
        jar,
        headers: sameOriginJson(t.url),
        body: '{}',
      });
      const text = await response.text();
      const body = (text === '' ? {} : JSON.parse(text)) as { access_token?: string; error?: string };
      return { status: response.status, ...body };
    }

    const me = (token: string) =>
      t?.request('/api/me', { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

    it('asks with the refresh token (offline_access asked), keeps the rotated one, and ends the session of a user disabled there', async () => {
      const { op, t } = await start({ refreshTokens: true });
      const { jar, loginUrl } = await signIn('alice');
      expect(loginUrl.searchParams.get('scope')?.split(' ')).toContain('offline_access');
      const afterSignIn = op.tokenRequests;

      // Within the interval: no call to the provider.
      expect((await refresh(jar)).status).toBe(200);
      expect(op.tokenRequests).toBe(afterSignIn);
      // Past it: one refresh grant; twice, so the provider's rotated refresh token was kept (its predecessor,
      // presented again, would have ended the grant at this provider).
      t.clock.advance(INTERVAL_MS);
      expect((await refresh(jar)).status).toBe(200);
      expect(op.tokenRequests).toBe(afterSignIn + 1);
      t.clock.advance(INTERVAL_MS);
      const vouched = await refresh(jar);
      expect(vouched.status).toBe(200);
      expect(op.tokenRequests).toBe(afterSignIn + 2);
      // docs/security.md 40, 14: the provider's tokens (three refresh tokens by now) sealed at rest, never logged,
      // never in an answer.
      expect(op.issuedTokens.length).toBeGreaterThanOrEqual(6);
      const stored = await storedText();
      expect(stored).toContain('provider_refresh_sealed');
      for (const token of op.issuedTokens) {
        expect(stored).not.toContain(token);
        expect(t.logs.text()).not.toContain(token);
        expect(JSON.stringify(vouched)).not.toContain(token);
      }

      op.disableAccount('alice');
      // Until the next check the session stands (the trade-off of the interval).
      t.clock.advance(INTERVAL_MS - 300_000);
      const last = await refresh(jar);
      expect(last.status).toBe(200);
      expect(await me(last.access_token ?? 'missing')).toBe(200);
      t.clock.advance(300_000);
      const kept = jar.copy();
      const ended = await refresh(jar);
      expect(ended).toMatchObject({ status: 401, error: 'provider_session_ended' });
      // Its access tokens too, though unexpired: refused from that moment; and its cookie, kept by a copy.
      expect(await me(last.access_token ?? 'missing')).toBe(401);
      expect((await refresh(kept)).status).toBe(401);
      expect(t.logs.text()).toMatch(/session check: session ended/);
      expect(t.logs.text()).toMatch(/provider_refused/);
    });

    it('gives a provider outage one more interval, then ends the session; a recovery resets the grace', async () => {
      const { op, t } = await start({ refreshTokens: true });
      const lasting = await signIn('bob');
      const failing = await signIn('carol');

      op.setOutage(true);
      t.clock.advance(INTERVAL_MS);
      expect((await refresh(lasting.jar)).status).toBe(200);
      expect((await refresh(failing.jar)).status).toBe(200);
      expect(t.logs.text()).toMatch(
        /the provider could not be asked; the session stands until the next check/,
      );
      // The provider back for bob's next check only.
      op.setOutage(false);
      t.clock.advance(INTERVAL_MS);
      expect((await refresh(lasting.jar)).status).toBe(200);
      op.setOutage(true);
      const kept = failing.jar.copy();
      const ended = await refresh(failing.jar);
      expect(ended).toMatchObject({ status: 401, error: 'provider_session_ended' });
      expect((await refresh(kept)).status).toBe(401);
      // Bob's grace starts again from this failure: one more interval.
      t.clock.advance(INTERVAL_MS);
      expect((await refresh(lasting.jar)).status).toBe(200);
      t.clock.advance(INTERVAL_MS);
      expect(await refresh(lasting.jar)).toMatchObject({ status: 401, error: 'provider_session_ended' });
      expect(t.logs.text()).toMatch(/provider_unreachable/);
    });

    it('asks userinfo with the access token where the provider gives no refresh token, and ends the session at a 401', async () => {
      const { op, t } = await start({ refreshTokens: false });
      const { jar } = await signIn('alice');
      const before = op.tokenRequests;
      t.clock.advance(INTERVAL_MS);
      expect((await refresh(jar)).status).toBe(200);
      expect(op.tokenRequests).toBe(before);
      op.disableAccount('alice');
      t.clock.advance(INTERVAL_MS);
      expect(await refresh(jar)).toMatchObject({ status: 401, error: 'provider_session_ended' });
    });

    it('ends a session once the provider can no longer be asked (no refresh token, its access token expired)', async () => {
      const { t } = await start({ refreshTokens: false });
      const { jar } = await signIn('bob');
      // oidc-provider's access tokens last an hour.
      t.clock.advance(3_600_000 + 1);
      expect(await refresh(jar)).toMatchObject({ status: 401, error: 'provider_session_ended' });
    });

    it('asks nothing and adds no offline_access with the check off (the default)', async () => {
      const { op, t } = await start({ refreshTokens: true, interval: 0 });
      const { jar, loginUrl } = await signIn('alice');
      expect(loginUrl.searchParams.get('scope')?.split(' ')).not.toContain('offline_access');
      const before = op.tokenRequests;
      op.disableAccount('alice');
      t.clock.advance(INTERVAL_MS);
      expect((await refresh(jar)).status).toBe(200);
      expect(op.tokenRequests).toBe(before);
    });
  },
);
