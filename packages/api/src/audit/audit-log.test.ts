import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_COOKIE } from '../http/cookie-names.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

const SECRET = 'test-client-secret-value';

interface AuditLine {
  time: string;
  event: string;
  outcome: string;
  user?: string;
  client?: string;
  session?: string;
  address?: string;
  check?: string;
  reason?: string;
}

// docs/security.md 48: every security event once, with its fields, and no secret the test knows in the file.
describe('the API audit log (AUDIT_LOG)', () => {
  let op: OidcProviderFixture;
  let t: TestApi;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
    file = join(dir, 'audit.log');
    const publicUrl = await reservePublicUrl();
    op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    // No refresh grace: a spent cookie presented again is reuse at once.
    t = await startTestApi({ issuer: op.issuer, publicUrl, env: { AUDIT_LOG: file, REFRESH_GRACE: '0' } });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = (): AuditLine[] =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditLine);

  async function signIn(who: string, state?: string) {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const login = await t.request('/api/login', { jar, headers: page.loginHeaders });
    const { login_url } = (await login.json()) as { login_url: string };
    const { back, jar: providerJar } = await op.signInSession(login_url, who);
    if (state !== undefined) back.searchParams.set('state', state);
    const callback = await t.request(`/api/callback${back.search}`, { jar, headers: page.callbackHeaders });
    const body = (await callback.json()) as { access_token?: string };
    return { jar, providerJar, callback, back, accessToken: body.access_token ?? '' };
  }

  it('records logins, refusals, logouts, reuse and back-channel logouts once each, without secrets', async () => {
    const alice = await signIn('alice');
    expect(alice.callback.status).toBe(200);
    const refused = await signIn('bob', 'a-state-of-another-login');
    expect(refused.callback.status).toBe(400);
    // A refresh, then the spent cookie again: reuse detected, the session revoked.
    const spent = alice.jar.cookies.get(REFRESH_COOKIE) ?? '';
    expect((await t.postFromSpa('/api/refresh', alice.jar)).status).toBe(200);
    const replay = new CookieJar();
    replay.cookies.set(REFRESH_COOKIE, spent);
    expect((await t.postFromSpa('/api/refresh', replay)).status).toBe(401);
    // carol signs out of the API; alice signs in again and her provider session ends (a back-channel logout).
    const carol = await signIn('carol');
    expect((await t.postFromSpa('/api/logout', carol.jar)).status).toBe(200);
    const again = await signIn('alice');
    await op.endSession(again.providerJar);

    const all = lines();
    const byEvent = (event: string) => all.filter((line) => line.event === event);
    const succeeded = byEvent('login.succeeded');
    expect(succeeded).toHaveLength(3);
    expect(succeeded[0]).toMatchObject({
      outcome: 'success',
      user: 'alice',
      client: 'gatehouse-api',
      address: '127.0.0.1',
    });
    expect(succeeded[0]?.session).toMatch(/^[\w-]{16,}$/);
    expect(Date.parse(succeeded[0]?.time ?? '')).not.toBeNaN();
    expect(byEvent('login.failed')).toEqual([
      expect.objectContaining({
        outcome: 'failure',
        check: 'consume-transaction',
        reason: 'state_mismatch',
        address: '127.0.0.1',
      }),
    ]);
    expect(byEvent('refresh.reuse_detected')).toEqual([
      expect.objectContaining({ outcome: 'failure', session: succeeded[0]?.session }),
    ]);
    const carolSession = succeeded[1]?.session;
    expect(byEvent('logout')).toEqual([
      expect.objectContaining({ user: 'carol', session: carolSession, reason: 'logout' }),
    ]);
    expect(byEvent('backchannel_logout')).toEqual([
      expect.objectContaining({ outcome: 'success', user: 'alice', sessions: 1 }),
    ]);
    expect(byEvent('session.revoked').map((line) => [line.session, line.reason])).toEqual([
      [succeeded[0]?.session, 'refresh_token_reused'],
      [succeeded[2]?.session, 'backchannel_logout'],
    ]);

    const text = readFileSync(file, 'utf8');
    const secrets = [
      SECRET,
      alice.accessToken,
      spent,
      alice.jar.cookies.get(REFRESH_COOKIE) ?? 'missing',
      refused.back.searchParams.get('code') ?? 'missing',
      alice.back.searchParams.get('code') ?? 'missing',
      alice.back.searchParams.get('state') ?? 'missing',
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
