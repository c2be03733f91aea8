import {
  type ExportedSpan,
  type OtlpReceiver,
  startOtlpReceiver,
  waitUntil,
} from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_COOKIE } from '../http/cookie-names.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

const SECRET = 'test-client-secret-value';
const SERVER = 2;
const CLIENT = 3;

// OpenTelemetry over OTLP/HTTP JSON to a receiver of the test's own (this file runs in a process of its own, so
// the SDK it starts is this file's). docs/security.md 48: nothing secret in any span.
describe('traces (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let receiver: OtlpReceiver;
  let op: OidcProviderFixture;
  let t: TestApi;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_SERVICE_NAME = 'gatehouse-api-under-test';
    const publicUrl = await reservePublicUrl();
    op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    t = await startTestApi({ issuer: op.issuer, publicUrl });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
    await receiver?.close();
  });

  it('spans the steps 1, 2, 7-10 with the provider calls beneath, and carries no secret', async () => {
    expect(t.api.server.tracing.enabled).toBe(true);
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const login = await t.request('/api/login', { jar, headers: page.loginHeaders });
    const { login_url } = (await login.json()) as { login_url: string };
    const transactionCookies = [...jar.cookies.values()];
    const back = new URL(await op.signIn(login_url));
    const callback = await t.request(`/api/callback${back.search}`, { jar, headers: page.callbackHeaders });
    expect(callback.status).toBe(200);
    const { access_token } = (await callback.json()) as { access_token: string };
    // A refused callback: its step span says which error, by code.
    const refused = await t.request('/api/callback?code=a-made-up-code-value&state=a-made-up-state-value');
    expect(refused.status).toBe(400);

    await t.api.server.tracing.flush();
    await waitUntil(() => receiver.spans().some((span) => span.name === 'provider userinfo'), 5000);
    const authorize = new URL(login_url).searchParams;
    const secrets = [
      SECRET,
      access_token,
      page.verifier,
      jar.cookies.get(REFRESH_COOKIE) ?? 'missing',
      ...transactionCookies,
      back.searchParams.get('code') ?? 'missing',
      back.searchParams.get('state') ?? 'missing',
      authorize.get('nonce') ?? 'missing',
      authorize.get('code_challenge') ?? 'missing',
      'a-made-up-code-value',
      'a-made-up-state-value',
    ];
    const exported = receiver.bodies.join('\n');
    for (const secret of secrets) expect(exported).not.toContain(secret);
    const spans = receiver.spans();
    const named = (name: string): ExportedSpan[] => spans.filter((span) => span.name === name);
    const one = (name: string): ExportedSpan => {
      const found = named(name);
      expect(
        found.map((span) => span.name),
        name,
      ).toHaveLength(1);
      return found[0] as ExportedSpan;
    };

    const loginSpan = one('GET /api/login');
    expect(loginSpan).toMatchObject({ kind: SERVER, attributes: { 'http.route': '/api/login' } });
    for (const [step, name] of [
      [1, 'login_request'],
      [2, 'authorization_url'],
    ] as const) {
      expect(one(`gatehouse step ${step} ${name}`)).toMatchObject({
        parentSpanId: loginSpan.spanId,
        traceId: loginSpan.traceId,
        attributes: { 'gatehouse.step': step, 'gatehouse.step.name': name },
      });
    }
    const [callbackSpan, refusedSpan] = named('GET /api/callback');
    expect(callbackSpan?.kind).toBe(SERVER);
    const steps = new Map<number, ExportedSpan>();
    for (const [step, name] of [
      [7, 'callback_checks'],
      [8, 'token_request'],
      [9, 'id_token_validation'],
      [10, 'api_token'],
    ] as const) {
      const span = named(`gatehouse step ${step} ${name}`).find(
        (each) => each.parentSpanId === callbackSpan?.spanId,
      );
      expect(span?.attributes, `step ${step}`).toMatchObject({
        'gatehouse.step': step,
        'gatehouse.step.name': name,
      });
      steps.set(step, span as ExportedSpan);
    }
    const provider = (endpoint: string) => named(`provider ${endpoint}`);
    expect(provider('token')).toEqual([
      expect.objectContaining({ kind: CLIENT, parentSpanId: steps.get(8)?.spanId }),
    ]);
    expect(provider('token')[0]?.attributes).toMatchObject({
      'gatehouse.provider.endpoint': 'token',
      'http.request.method': 'POST',
      'http.response.status_code': 200,
    });
    expect(provider('userinfo')).toEqual([
      expect.objectContaining({ kind: CLIENT, parentSpanId: steps.get(9)?.spanId }),
    ]);
    expect(provider('jwks')[0]?.parentSpanId).toBe(steps.get(9)?.spanId);
    expect(provider('discovery').length).toBeGreaterThanOrEqual(1);
    const refusedStep = spans.find(
      (span) => span.parentSpanId === refusedSpan?.spanId && span.attributes['gatehouse.step'] === 7,
    );
    expect(refusedStep?.attributes['gatehouse.error']).toBe('login_transaction_not_found');
  });
});
