import { prometheusSamples, sampleValue } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_COOKIE } from '../http/cookie-names.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { spaSignIn } from '../testing/spa-sign-in.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';
import { LOGIN_RESULTS, RATE_LIMITED_ROUTES } from './api-metrics.js';

const SECRET = 'test-client-secret-value';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/**
 * docs/security.md 47: the label values a scrape may show, per label of Gatehouse's own metrics. Process metrics
 * (prom-client's defaults) have fixed label names of their own.
 */
const ALLOWED: Record<string, ReadonlySet<string>> = {
  flow: new Set(['spa', 'simple']),
  result: new Set([
    ...LOGIN_RESULTS,
    'no_session',
    'invalid',
    'expired',
    'revoked',
    'reuse_detected',
    'cross_origin',
    'refused',
  ]),
  endpoint: new Set(['discovery', 'jwks', 'token', 'userinfo', 'other']),
  route: new Set([...RATE_LIMITED_ROUTES, 'other']),
  le: new Set(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']),
};
const PROCESS_LABELS = new Set(['space', 'kind', 'le', 'version', 'major', 'minor', 'patch', 'type']);

describe('the API /metrics', () => {
  let op: OidcProviderFixture;
  let t: TestApi;

  beforeAll(async () => {
    const publicUrl = await reservePublicUrl();
    op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    t = await startTestApi({
      issuer: op.issuer,
      publicUrl,
      // No refresh grace: a spent cookie presented again is reuse at once (reuse_detected).
      env: { METRICS_TOKEN, RATE_LIMIT_PER_MINUTE: '5', REFRESH_GRACE: '0' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  const scrape = (authorization?: string) =>
    t.request('/metrics', authorization === undefined ? {} : { headers: { authorization } });

  it('answers 401 without METRICS_TOKEN, or with another one, and never caches', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcdef', METRICS_TOKEN]) {
      const refused = await scrape(authorization);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      const text = await refused.text();
      expect(text).not.toContain('gatehouse_');
      expect(text).not.toContain('process_');
    }
    const allowed = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('cache-control')).toBe('no-store');
    expect(allowed.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await allowed.text()).toContain('process_cpu_user_seconds_total');
  });

  it('counts real traffic under closed label sets only: no user, token, address or URL in a label', async () => {
    // A sign-in, then one refused at the callback (another state than the transaction's).
    const { jar, accessToken } = await spaSignIn(
      t,
      async (url) => new URL(await op.signIn(url)).searchParams,
    );
    const page = newLoginVerifier();
    const other = new CookieJar();
    const tampered = await t.request('/api/login', { jar: other, headers: page.loginHeaders });
    const { login_url } = (await tampered.json()) as { login_url: string };
    const back = new URL(await op.signIn(login_url));
    back.searchParams.set('state', 'a-state-of-another-login');
    const refused = await t.request(`/api/callback${back.search}`, {
      jar: other,
      headers: page.callbackHeaders,
    });
    expect(refused.status).toBe(400);

    // Verifications: the token (twice: the second from the cache), a garbage one, none.
    for (const authorization of [
      `Bearer ${accessToken}`,
      `Bearer ${accessToken}`,
      'Bearer x.y.z',
      undefined,
    ]) {
      await t.request('/api/me', authorization === undefined ? {} : { headers: { authorization } });
    }
    // A refresh, then the first cookie again: reuse, the session revoked, and its token with it.
    const first = jar.cookies.get(REFRESH_COOKIE) ?? '';
    expect((await t.postFromSpa('/api/refresh', jar)).status).toBe(200);
    const replay = new CookieJar();
    replay.cookies.set(REFRESH_COOKIE, first);
    expect((await t.postFromSpa('/api/refresh', replay)).status).toBe(401);
    const revoked = await t.request('/api/me', { headers: { authorization: `Bearer ${accessToken}` } });
    expect(revoked.status).toBe(401);
    // Past RATE_LIMIT_PER_MINUTE on one route, with a query the label must not carry.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push((await t.request(`/authorization-code/login?return_to=%2Fattempt-${attempt}`)).status);
    }
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);

    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    const samples = prometheusSamples(text);
    const login = (result: string) =>
      sampleValue(samples, 'gatehouse_api_logins_total', { flow: 'spa', result });
    expect(login('success')).toBe(1);
    expect(login('consume-transaction')).toBe(1);
    const refresh = (result: string) => sampleValue(samples, 'gatehouse_api_refresh_total', { result });
    expect(refresh('success')).toBe(1);
    expect(refresh('reuse_detected')).toBe(1);
    const verification = (result: string) =>
      sampleValue(samples, 'gatehouse_api_token_verifications_total', { result });
    expect(verification('success')).toBe(2);
    expect(verification('invalid')).toBe(2);
    expect(verification('revoked')).toBe(1);
    for (const endpoint of ['discovery', 'jwks', 'token', 'userinfo']) {
      expect(
        sampleValue(samples, 'gatehouse_api_provider_request_duration_seconds_count', { endpoint }),
        endpoint,
      ).toBeGreaterThanOrEqual(1);
    }
    expect(
      sampleValue(samples, 'gatehouse_api_rate_limited_total', { route: '/authorization-code/login' }),
    ).toBe(1);

    for (const sample of samples) {
      for (const [label, value] of Object.entries(sample.labels)) {
        if (sample.name.startsWith('gatehouse_')) {
          expect(ALLOWED[label]?.has(value), `${sample.name}{${label}="${value}"}`).toBe(true);
        } else expect(PROCESS_LABELS.has(label), `${sample.name}{${label}}`).toBe(true);
      }
    }
    for (const known of ['alice', accessToken, first, SECRET, '127.0.0.1', 'localhost', 'attempt-']) {
      expect(text).not.toContain(known);
    }
  });
});

describe('the API with METRICS=off', () => {
  it('serves no /metrics', async () => {
    const publicUrl = await reservePublicUrl();
    const op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    const t = await startTestApi({ issuer: op.issuer, publicUrl, env: { METRICS: 'off' } });
    try {
      expect((await t.request('/metrics')).status).toBe(404);
      expect(t.api.server.metrics.registry).toBeUndefined();
    } finally {
      await t.close();
      await op.close();
    }
  });
});
