import {
  type ExportedSpan,
  type OtlpReceiver,
  startOtlpReceiver,
  waitUntil,
} from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../testing/sign-in.js';
import {
  startTestAuthServer,
  TEST_SECRET,
  TEST_TOTP_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';

const PASSWORD = 'correct horse battery staple';
const NOW_MS = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

// The auth server's steps 4-6 as spans, over OTLP/HTTP JSON to the test's receiver (this file's own process).
// docs/security.md 48: no password, code, state, nonce, interaction id or cookie in any span.
describe('auth server traces (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let receiver: OtlpReceiver;
  let auth: TestAuthServer | undefined;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    auth = await startTestAuthServer({ nowMs: () => NOW_MS });
  });
  afterAll(async () => {
    await auth?.close();
    await receiver?.close();
  });

  it('spans the sign-in page, the password, the second factor and the redirect back', async () => {
    const server = auth as TestAuthServer;
    const browser = new TestBrowser();
    const url = authorizeUrl(server.issuer, 'first-party', pkcePair().challenge);
    const code = totpCode(TEST_TOTP_SECRET, NOW_MS);
    const visited: string[] = [];
    const back = await signIn(browser, url, server.issuer, {
      username: 'alice',
      password: PASSWORD,
      code: () => code,
    });
    visited.push(...[...browser.cookies.values()].map((cookie) => cookie.value));
    // Closing flushes the spans not yet sent.
    await server.close();
    auth = undefined;
    await waitUntil(() => receiver.spans().some((span) => span.attributes['gatehouse.step'] === 6), 5000);

    const exported = receiver.bodies.join('\n');
    const authorize = new URL(url).searchParams;
    const interactionIds = [...exported.matchAll(/\/interaction\/([\w-]+)/g)].map((match) => match[1]);
    expect(interactionIds).toEqual([]);
    for (const secret of [
      PASSWORD,
      code,
      TEST_SECRET,
      back.searchParams.get('code') ?? 'missing',
      authorize.get('state') ?? 'missing',
      authorize.get('nonce') ?? 'missing',
      authorize.get('code_challenge') ?? 'missing',
      ...visited,
    ]) {
      expect(exported).not.toContain(secret);
    }

    const spans = receiver.spans();
    const step = (n: number, name: string): ExportedSpan[] =>
      spans.filter(
        (span) => span.attributes['gatehouse.step'] === n && span.attributes['gatehouse.step.name'] === name,
      );
    expect(step(4, 'sign_in_page').length).toBeGreaterThanOrEqual(2);
    expect(step(5, 'sign_in')).toEqual([
      expect.objectContaining({ name: 'gatehouse step 5 sign_in', scope: 'gatehouse-auth-server' }),
    ]);
    const secondFactor = step(5, 'second_factor');
    expect(secondFactor.map((span) => span.attributes['gatehouse.interaction.action'])).toEqual(['totp']);
    expect(step(6, 'redirect_to_callback')).toEqual([
      expect.objectContaining({
        parentSpanId: secondFactor[0]?.spanId,
        traceId: secondFactor[0]?.traceId,
        attributes: expect.objectContaining({ 'gatehouse.sign_in.factor': 'totp' }),
      }),
    ]);
  });
});
