import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

// The flow inspector shows failures too: a refused callback's answer carries the steps so far, the named check
// and what it found, only while the inspector is on (never in production by default).
describe('a refused callback and the flow inspector', () => {
  let op: MisbehavingProvider;
  let inspected: TestApi;
  let production: TestApi;

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
    inspected = await startTestApi({ issuer: op.issuer, publicUrl: await reservePublicUrl() });
    production = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { NODE_ENV: 'production', OIDC_CLIENT_SECRET: 'test-client-secret-value' },
    });
  });
  afterAll(async () => {
    await inspected?.close();
    await production?.close();
    await op?.close();
  });

  async function refusedCallback(t: TestApi) {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const login = await t.request('/api/login', { jar, headers: page.loginHeaders });
    const { login_url } = (await login.json()) as { login_url: string };
    // Passes openid-client (azp names us), refused by our own audience check (docs/security.md 9).
    op.behaviour.claims.aud = [op.clientId, 'untrusted'];
    op.behaviour.claims.azp = op.clientId;
    const query = op.authorize(login_url);
    const response = await t.request(`/api/callback?${query}`, { jar, headers: page.callbackHeaders });
    op.reset();
    return { response, body: (await response.json()) as Record<string, unknown>, query, page };
  }

  it('names the check that refused, with the steps up to it, secrets masked', async () => {
    const { response, body, query, page } = await refusedCallback(inspected);
    expect(response.status).toBe(502);
    expect(body).toMatchObject({
      error: 'id_token_invalid',
      failed_check: 'check-id-token-audience',
      failure_detail: 'ID token aud is not exactly our client id',
    });
    const flow = body.flow as { step: number; status: string; detail: string }[];
    expect(flow.map((step) => [step.step, step.status])).toEqual([
      [7, 'ok'],
      [8, 'ok'],
      [9, 'error'],
    ]);
    expect(flow[2]?.detail).toMatch(/check-id-token-audience.* failed: id_token_invalid$/);
    const text = JSON.stringify(body);
    for (const secret of [query.get('code'), query.get('state'), page.verifier]) {
      expect(text).not.toContain(secret);
    }
  });

  it('says nothing more than the error in production', async () => {
    const { response, body } = await refusedCallback(production);
    expect(response.status).toBe(502);
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  });
});
