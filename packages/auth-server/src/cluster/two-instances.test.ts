import { freePort, startTestPostgres, type TestPostgres, waitUntil } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSigningKeys } from '../keys/signing-keys.js';
import { formAction, TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, TEST_TOTP_SECRET, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';
import { totpCode } from '../totp/totp.js';

const PASSWORD = 'correct horse battery staple';
/** Middle of a 30 s step, so a code typed on one instance is checked in the same step on the other. */
const T0 = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

// Two auth-server instances on one PostgreSQL database with one issuer, as behind a load balancer without
// stickiness: every request of a flow may land on either (issue 13). Each has its own oidc-provider, its own
// pool and no shared memory; only the database joins them. Requests are sent to the instance a test chooses (the
// issuer's origin rewritten to that instance's port); AUTH_TRUST_PROXY lets each answer for the issuer's host, as
// behind the proxy. The haproxy cluster test (e2e) comes on top of this.
describe('two auth-server instances on one database', () => {
  let postgres: TestPostgres;
  let a: TestAuthServer;
  let b: TestAuthServer;
  let issuer: string;
  let now = T0;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    const databaseUrl = await postgres.createDatabase();
    issuer = `http://localhost:${await freePort()}`;
    const env = { AUTH_ISSUER: issuer, AUTH_TRUST_PROXY: '127.0.0.1,::1' };
    a = await startTestAuthServer({
      databaseUrl,
      nowMs: () => now,
      env: { ...env, AUTH_PORT: new URL(issuer).port },
    });
    b = await startTestAuthServer({ databaseUrl, nowMs: () => now, env, seed: false });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await postgres?.close();
  });

  /** `url` on the issuer, sent to `instance` instead. */
  const at = (instance: TestAuthServer, url: string) =>
    url.replace(new URL(issuer).origin, `http://127.0.0.1:${instance.server.port}`);
  /** A browser whose GETs reach instance A and whose POSTs reach instance B. */
  const splitBrowser = () =>
    new TestBrowser((url, init) => fetch(at(init?.method === 'POST' ? b : a, String(url)), init));

  it('serves a sign-in page on one instance and takes its password and TOTP code on the other', async () => {
    const browser = splitBrowser();
    const { verifier, challenge } = pkcePair();
    const landed = await signIn(browser, authorizeUrl(issuer, 'first-party', challenge), issuer, {
      username: 'alice',
      password: PASSWORD,
      code: () => totpCode(TEST_TOTP_SECRET, now),
    });
    const code = landed.searchParams.get('code');
    expect(code).toBeTruthy();
    expect(landed.searchParams.get('iss')).toBe(issuer);
    // Tokens from one instance, userinfo from the other.
    const tokens = await tokenRequest(at(a, issuer), codeGrant(String(code), verifier));
    expect(tokens.status).toBe(200);
    const userinfo = await fetch(`${at(b, issuer)}/me`, {
      headers: { authorization: `Bearer ${String(tokens.json.access_token)}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ email: 'alice@example.com' });
  });

  it('accepts a TOTP code once across instances (docs/security.md 31)', async () => {
    now += 3_600_000;
    const code = totpCode(TEST_TOTP_SECRET, now);
    /** The password step on one instance, the code on the other; resolves to where the code post sends. */
    const withCode = async (browser: TestBrowser) => {
      const login = await startLogin(browser, issuer);
      const password = await browser.post(login.action, { username: 'alice', password: PASSWORD });
      const pageUrl = new URL(String(password.headers.get('location')), login.url).href;
      const page = await browser.get(pageUrl);
      const answer = await browser.post(formAction(await page.text(), pageUrl), { code });
      return String(answer.headers.get('location'));
    };
    expect(await withCode(splitBrowser())).toMatch(/\/auth\//);
    // The same code in another sign-in, whose POSTs land on the other instance: refused.
    const other = new TestBrowser((url, init) =>
      fetch(at(init?.method === 'POST' ? a : b, String(url)), init),
    );
    expect(await withCode(other)).toMatch(/error=code/);
  });

  it('answers one of two token requests with one code at once on two instances, and revokes the winner’s tokens (docs/security.md 41)', async () => {
    for (let round = 0; round < 3; round++) {
      const browser = splitBrowser();
      const { verifier, challenge } = pkcePair();
      const landed = await signIn(browser, authorizeUrl(issuer, 'first-party', challenge), issuer, {
        username: 'bob',
        password: PASSWORD,
      });
      const grant = codeGrant(String(landed.searchParams.get('code')), verifier);
      const answers = await Promise.all([
        tokenRequest(at(a, issuer), grant),
        tokenRequest(at(b, issuer), grant),
      ]);
      const won = answers.filter((answer) => answer.status === 200);
      const lost = answers.filter((answer) => answer.status !== 200);
      expect(won).toHaveLength(1);
      expect(lost).toEqual([{ status: 400, json: expect.objectContaining({ error: 'invalid_grant' }) }]);
      const tokens = won[0]?.json ?? {};
      // The replay ended the grant: the winner's access and refresh tokens are refused on both instances.
      for (const instance of [a, b]) {
        const userinfo = await fetch(`${at(instance, issuer)}/me`, {
          headers: { authorization: `Bearer ${String(tokens.access_token)}` },
        });
        expect(userinfo.status).toBe(401);
        const refreshed = await tokenRequest(at(instance, issuer), {
          grant_type: 'refresh_token',
          refresh_token: String(tokens.refresh_token),
        });
        expect(refreshed).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
      }
    }
  });

  it('refuses a refresh token used at once on two instances, ending its grant', async () => {
    const browser = splitBrowser();
    const { verifier, challenge } = pkcePair();
    const landed = await signIn(browser, authorizeUrl(issuer, 'first-party', challenge), issuer, {
      username: 'bob',
      password: PASSWORD,
    });
    const first = await tokenRequest(
      at(a, issuer),
      codeGrant(String(landed.searchParams.get('code')), verifier),
    );
    const refresh = { grant_type: 'refresh_token', refresh_token: String(first.json.refresh_token) };
    const answers = await Promise.all([
      tokenRequest(at(a, issuer), refresh),
      tokenRequest(at(b, issuer), refresh),
    ]);
    expect(answers.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(1);
    for (const answer of answers) {
      if (answer.status === 200) {
        // The successor was revoked with the grant when the other request found the token consumed.
        const next = await tokenRequest(at(b, issuer), {
          grant_type: 'refresh_token',
          refresh_token: String(answer.json.refresh_token),
        });
        expect(next).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
      } else {
        expect(answer).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
      }
    }
  });

  it('publishes a rotated signing key on every instance', async () => {
    const before = await (await fetch(`${at(a, issuer)}/jwks`)).json();
    const [kid] = await rotateSigningKeys(a.store, Math.floor(now / 1000), 'RS256');
    const published = async (instance: TestAuthServer) => {
      const jwks = (await (await fetch(`${at(instance, issuer)}/jwks`)).json()) as {
        keys: { kid: string }[];
      };
      return jwks.keys.some((key) => key.kid === kid);
    };
    const seen = { a: false, b: false };
    await waitUntil(() => {
      void published(a).then((yes) => {
        seen.a = yes;
      });
      void published(b).then((yes) => {
        seen.b = yes;
      });
      return seen.a && seen.b;
    });
    expect(seen).toEqual({ a: true, b: true });
    expect(before).not.toEqual(await (await fetch(`${at(b, issuer)}/jwks`)).json());
  });

  it('counts password guesses sent at once to both instances together (docs/security.md 32)', async () => {
    now += 3_600_000;
    await a.store.users.create({
      username: 'carol',
      email: 'carol@example.com',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdGFzYWx0$aGFzaGhhc2hoYXNoaGFzaA',
    });
    const guesses = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const browser = new TestBrowser((url, init) =>
          fetch(at(init?.method === 'POST' && i % 2 === 1 ? b : a, String(url)), init),
        );
        return { browser, login: await startLogin(browser, issuer) };
      }),
    );
    const answers = await Promise.all(
      guesses.map(({ browser, login }) =>
        browser.post(login.action, { username: 'carol', password: 'a wrong guess at it' }),
      ),
    );
    const checked = answers.filter((answer) =>
      /error=credentials/.test(String(answer.headers.get('location'))),
    );
    const throttled = answers.filter((answer) =>
      /error=throttled/.test(String(answer.headers.get('location'))),
    );
    // THROTTLE_POLICY.pair: 3 free failures, so at most 4 guesses are checked (the 4th counts 3 in flight); each
    // instance counting only its own would check up to 4 each.
    expect(checked.length).toBeLessThanOrEqual(4);
    expect(checked.length + throttled.length).toBe(10);
  });
});
