import { Writable } from 'node:stream';
import { createLogger } from '@gatehouse/common';
import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';

const PASSWORD = 'correct horse battery staple';

// docs/security.md 42: PostgreSQL stopped under a running auth server. Every request that needs it is answered
// 503 with Retry-After (a page for a person, JSON for a program), never a 500, a hang, a crash or a stack
// trace; /readyz says 503 meanwhile; once the database is back the same process serves again by itself.
describe('the auth server while its database is down', () => {
  let postgres: TestPostgres;
  let auth: TestAuthServer;
  const lines: string[] = [];
  beforeAll(async () => {
    postgres = await startTestPostgres();
    const logger = createLogger(
      { name: 'test', level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    auth = await startTestAuthServer({ databaseUrl: await postgres.createDatabase(), logger });
  });
  afterAll(async () => {
    await auth?.close();
    await postgres?.close();
  });

  it('answers 503 with Retry-After while it is down, and serves again once it is back', async () => {
    const browser = new TestBrowser();
    const login = await startLogin(browser, auth.issuer);
    const ready = async () => (await fetch(new URL('/readyz', auth.issuer))).status;
    expect(await ready()).toBe(200);

    await postgres.stop();
    try {
      expect(await ready()).toBe(503);
      expect((await fetch(new URL('/healthz', auth.issuer))).status).toBe(200);

      // A person: a new sign-in, and the password posted on a sign-in page served before the outage.
      const { challenge } = pkcePair();
      const started = await browser.get(authorizeUrl(auth.issuer, 'first-party', challenge));
      const posted = await browser.post(login.action, { username: 'bob', password: PASSWORD });

      for (const response of [started, posted]) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(response.headers.get('location')).toBeNull();
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        const html = await response.text();
        expect(html).toContain('temporarily_unavailable');
        expect(html).not.toMatch(/ {4}at |Error:/);
      }

      // A program: the token endpoint and userinfo answer JSON.
      const token = await fetch(new URL('/token', auth.issuer), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('first-party:test-client-secret-0123456789abcdef').toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'x',
          redirect_uri: 'http://127.0.0.1:9/cb',
          code_verifier: 'v'.repeat(43),
        }),
      });
      expect(token.status).toBe(503);
      expect(token.headers.get('retry-after')).toBe('5');
      expect(await token.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'the database cannot be reached; try again shortly',
      });
      const userinfo = await fetch(new URL('/me', auth.issuer), { headers: { authorization: 'Bearer x' } });
      expect(userinfo.status).toBe(503);
    } finally {
      await postgres.start();
    }

    // Back: the same process serves a whole sign-in, with no restart.
    let status = await ready();
    for (let tries = 0; tries < 100 && status !== 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await ready();
    }
    expect(status).toBe(200);
    const { verifier, challenge } = pkcePair();
    const landed = await signIn(
      new TestBrowser(),
      authorizeUrl(auth.issuer, 'first-party', challenge),
      auth.issuer,
      {
        username: 'bob',
        password: PASSWORD,
      },
    );
    expect(
      (await tokenRequest(auth.issuer, codeGrant(String(landed.searchParams.get('code')), verifier))).status,
    ).toBe(200);

    // One warning line per refused request for the operator, no stack trace, no connection string.
    const log = lines.join('');
    expect(log).toContain('"event":"database_unavailable"');
    expect(log).not.toMatch(/\\n\s+at /);
    expect(log).not.toMatch(/"stack":"[^"]/);
    // Background tasks (key watcher, back-channel delivery, sweeps) say so once each, not at every tick.
    expect(log.match(/signing key reload failed: the database cannot be reached/g)).toHaveLength(1);
    expect(log).not.toContain('postgres://');
  });
});
