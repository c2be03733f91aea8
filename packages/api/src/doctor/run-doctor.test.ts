import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/common/testing';
import { importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isLoopback } from '../config/is-loopback.js';
import { loadApiConfig } from '../config/load-api-config.js';
import { loadClientAssertionKey } from '../keys/client-assertion-key.js';
import { createProviderFetch, type ProviderFetch } from '../oidc/provider-fetch.js';
import { json, ScriptedProvider } from '../testing/scripted-provider.js';
import type { DoctorCheck, DoctorFinding } from './doctor-finding.js';
import { runDoctor } from './run-doctor.js';

// gatehouse doctor's checks against a provider scripted to misbehave one way at a time (the embedded auth server
// cannot: its answers are tested through the CLI, in packages/cli/src/commands/doctor.test.ts).

const SECRET = 'doctor-test-client-secret-0123456789';
const PUBLIC_URL = 'http://localhost:3999';

let provider: ScriptedProvider;
let dataDir: string;

beforeAll(async () => {
  provider = await ScriptedProvider.start();
  dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-doctor-'));
});
afterAll(async () => {
  await provider.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  provider.metadata = {};
  provider.dateOffsetMs = 0;
  provider.handlers.clear();
  provider.requests.length = 0;
});

function configFor(env: Record<string, string> = {}) {
  return loadApiConfig({
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: 'doctor-app',
    OIDC_CLIENT_SECRET: SECRET,
    PUBLIC_URL,
    DATA_DIR: dataDir,
    OIDC_HTTP_TIMEOUT_MS: '2000',
    ...env,
  });
}

/** The findings by check, each check once. */
function byCheck(findings: readonly DoctorFinding[]): Map<DoctorCheck, DoctorFinding> {
  const map = new Map(findings.map((each) => [each.check, each]));
  expect(map.size).toBe(findings.length);
  return map;
}

function statuses(findings: readonly DoctorFinding[]): Record<string, string> {
  return Object.fromEntries(findings.map((each) => [each.check, each.status]));
}

/**
 * The API's fetch, with the network outside this machine blocked as in every test: a call elsewhere is recorded
 * and refused at once (a real host off loopback is out of reach here), so a test can see what doctor tried.
 */
function loopbackOnlyFetch(): { fetch: ProviderFetch; offLoopback: string[]; close(): void } {
  const http = createProviderFetch({ timeoutMs: 2000 });
  const offLoopback: string[] = [];
  return {
    offLoopback,
    close: () => http.close(),
    fetch: (url, init) => {
      if (isLoopback(new URL(url))) return http.fetch(url, init);
      offLoopback.push(url);
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    },
  };
}

describe('gatehouse doctor against a provider that does everything right', () => {
  it('passes every check, and asks as the API would', async () => {
    const findings = await runDoctor({ config: configFor() });
    expect(statuses(findings)).toEqual({
      discovery: 'ok',
      issuer: 'ok',
      https: 'ok',
      jwks: 'ok',
      'id-token-alg': 'ok',
      'token-auth-method': 'ok',
      pkce: 'ok',
      'client-credentials': 'ok',
      'authorization-request': 'ok',
      'redirect-uri-spa': 'ok',
      'redirect-uri-simple': 'ok',
      'end-session': 'ok',
      'backchannel-logout': 'ok',
      clock: 'ok',
    });
    expect(findings.every((each) => each.fix === null)).toBe(true);
    const authorize = provider.requestsTo('/authorize');
    expect(authorize.map((request) => request.query.get('redirect_uri'))).toEqual(
      expect.arrayContaining([`${PUBLIC_URL}/callback`, `${PUBLIC_URL}/authorization-code/callback`]),
    );
    for (const request of authorize) {
      expect(Object.fromEntries(request.query)).toMatchObject({
        client_id: 'doctor-app',
        response_type: 'code',
        scope: 'openid profile email',
        code_challenge_method: 'S256',
        prompt: 'none',
      });
      expect(request.query.get('state')).toMatch(/^[\w-]{43}$/);
      expect(request.query.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    }
    // The secret in the Basic header of the token request only, never in a URL or the body.
    const [token] = provider.requestsTo('/token');
    expect(token?.headers.authorization).toMatch(/^Basic /);
    expect(basicSecret({ headers: token?.headers ?? {} })).toBe(SECRET);
    const form = new URLSearchParams(token?.body);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(`${PUBLIC_URL}/callback`);
    expect(form.get('code_verifier')).toMatch(/^[\w-]{43}$/);
    expect(token?.body).not.toContain(SECRET);
  });
});

describe('gatehouse doctor probes the scope the API asks for', () => {
  it('with roles and offline_access when the provider offers them and the session check is on', async () => {
    provider.metadata = { scopes_supported: ['openid', 'profile', 'email', 'roles', 'offline_access'] };
    const findings = await runDoctor({ config: configFor({ OIDC_SESSION_CHECK_INTERVAL: '900' }) });
    const asked = 'openid profile email roles offline_access';
    for (const request of provider.requestsTo('/authorize')) expect(request.query.get('scope')).toBe(asked);
    expect(byCheck(findings).get('authorization-request')?.message).toContain(`scope "${asked}"`);
  });
});

describe('gatehouse doctor with private_key_jwt', () => {
  it("signs the client assertion with the API's key, as the API does, and sends no secret", async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'gatehouse-doctor-key-'));
    try {
      const key = await loadClientAssertionKey(keyDir);
      const config = configFor({ OIDC_TOKEN_AUTH_METHOD: 'private_key_jwt', DATA_DIR: keyDir });
      const findings = byCheck(await runDoctor({ config }));
      expect(findings.get('client-credentials')?.status).toBe('ok');
      const [token] = provider.requestsTo('/token');
      const form = new URLSearchParams(token?.body);
      expect(token?.headers.authorization).toBeUndefined();
      expect(form.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      const assertion = form.get('client_assertion') ?? '';
      const publicKey = await importJWK(key.jwks.keys[0] ?? {}, 'ES256');
      const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, {
        issuer: 'doctor-app',
        subject: 'doctor-app',
        audience: provider.issuer,
      });
      expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: key.kid });
      expect(payload.jti).toEqual(expect.any(String));
      expect(token?.body).not.toContain(SECRET);
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});

describe('gatehouse doctor when the provider is out of reach', () => {
  it('says so in one finding, naming the URL and the cause', async () => {
    const port = await freePort();
    const findings = await runDoctor({
      config: configFor({ OIDC_ISSUER: `http://127.0.0.1:${port}` }),
      hints: { unreachable: 'start it' },
    });
    expect(findings).toEqual([
      {
        check: 'discovery',
        status: 'fail',
        message: `cannot reach http://127.0.0.1:${port}/.well-known/openid-configuration: connection refused`,
        fix: 'start it',
      },
    ]);
  });

  it.each([
    ['a redirect', 301, 'answered a redirect (HTTP 301) to http://127.0.0.1:9/elsewhere'],
    ['a 404', 404, 'answered HTTP 404'],
    ['a page that is not JSON', 200, 'answered something other than a JSON document'],
  ])('fails on discovery answering %s', async (_name, status, said) => {
    provider.handlers.set('/.well-known/openid-configuration', (_request, response) => {
      response.writeHead(status, {
        location: 'http://127.0.0.1:9/elsewhere?x=1',
        'content-type': 'text/html',
      });
      response.end('<html>hello</html>');
    });
    const findings = await runDoctor({ config: configFor() });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'discovery', status: 'fail' });
    expect(findings[0]?.message).toContain(said);
  });
});

describe('gatehouse doctor reading the discovery document', () => {
  it('fails an issuer that differs, names a trailing slash, and keeps the secret home', async () => {
    const findings = byCheck(await runDoctor({ config: configFor({ OIDC_ISSUER: `${provider.issuer}/` }) }));
    expect(findings.get('issuer')).toEqual({
      check: 'issuer',
      status: 'fail',
      message: `the provider's issuer is ${provider.issuer}, but OIDC_ISSUER is ${provider.issuer}/ (a trailing slash differs)`,
      fix: `set OIDC_ISSUER=${provider.issuer} exactly`,
    });
    // The API sends its credentials only to the provider OIDC_ISSUER names; doctor neither.
    expect(findings.get('client-credentials')?.status).toBe('warn');
    expect(provider.requestsTo('/token')).toEqual([]);
  });

  // docs/security.md 8: the keys and the secret travel over TLS off this machine. A provider on loopback that
  // names endpoints elsewhere over plain http stands in for a provider served without https.
  it('fails endpoints that are not https off this machine, and sends no secret to them', async () => {
    provider.metadata = {
      token_endpoint: 'http://idp.example.test/token',
      jwks_uri: 'http://idp.example.test/jwks',
    };
    const spy = loopbackOnlyFetch();
    try {
      const findings = byCheck(await runDoctor({ config: configFor(), fetch: spy.fetch }));
      expect(findings.get('https')).toMatchObject({
        status: 'fail',
        message:
          'not https off this machine: token_endpoint http://idp.example.test/token, jwks_uri http://idp.example.test/jwks',
      });
      expect(findings.get('client-credentials')).toMatchObject({
        status: 'warn',
        message:
          "not checked: the token endpoint http://idp.example.test/token is not https, and the client's credentials would cross the network in clear",
      });
      expect(spy.offLoopback).toEqual(['http://idp.example.test/jwks']);
    } finally {
      spy.close();
    }
  });

  it('fails a JWKS without a key for OIDC_ID_TOKEN_ALG, and an algorithm the provider does not sign with', async () => {
    const findings = byCheck(await runDoctor({ config: configFor({ OIDC_ID_TOKEN_ALG: 'ES256' }) }));
    expect(findings.get('jwks')).toMatchObject({
      status: 'fail',
      message: `${provider.issuer}/jwks holds no key for ES256 (it holds RSA (RS256))`,
    });
    expect(findings.get('id-token-alg')).toMatchObject({
      status: 'fail',
      message: 'the provider signs ID tokens with RS256, not ES256 (OIDC_ID_TOKEN_ALG)',
      fix: 'set OIDC_ID_TOKEN_ALG=RS256 (or another of RS256)',
    });
  });

  it('fails a token authentication method the provider does not offer, and PKCE without S256', async () => {
    provider.metadata = {
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      code_challenge_methods_supported: ['plain'],
    };
    const findings = byCheck(
      await runDoctor({ config: configFor({ OIDC_TOKEN_AUTH_METHOD: 'client_secret_post' }) }),
    );
    expect(findings.get('token-auth-method')).toMatchObject({
      status: 'fail',
      message:
        'the provider does not offer client_secret_post (OIDC_TOKEN_AUTH_METHOD) at its token endpoint; it offers client_secret_basic',
      fix: 'set OIDC_TOKEN_AUTH_METHOD to client_secret_basic, the way the client is registered at the provider',
    });
    expect(findings.get('pkce')).toMatchObject({ status: 'fail' });
  });

  it('warns, without failing, about what only logout and PKCE hardening need', async () => {
    provider.metadata = {
      end_session_endpoint: undefined,
      backchannel_logout_supported: undefined,
      backchannel_logout_session_supported: undefined,
      code_challenge_methods_supported: undefined,
    };
    const findings = await runDoctor({ config: configFor() });
    expect(statuses(findings)).toMatchObject({
      'end-session': 'warn',
      'backchannel-logout': 'warn',
      pkce: 'warn',
    });
    expect(findings.filter((each) => each.status === 'fail')).toEqual([]);
    provider.metadata = { backchannel_logout_session_supported: false };
    expect(byCheck(await runDoctor({ config: configFor() })).get('backchannel-logout')).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('without session ids'),
    });
  });

  it('shows provider text as printable characters only', async () => {
    provider.metadata = { issuer: `${'\u001b'}[2J${'\u001b'}]0;owned${'\u0007'}\nnext line` };
    const findings = byCheck(await runDoctor({ config: configFor() }));
    const issuer = findings.get('issuer');
    expect(issuer?.status).toBe('fail');
    expect(issuer?.message).toContain("the provider's issuer is ?[2J?]0;owned??next line,");
    expect(JSON.stringify(findings.get('issuer'))).not.toMatch(/\\u001b|\\u0007|\\n/);
  });
});

describe("gatehouse doctor's clock check", () => {
  // A provider whose Date header is off: the clocks are compared, not timed. The header counts whole seconds, so
  // the measure may be a second either way.
  it.each([
    [0, 'ok', /^the provider's clock and this machine's agree within 5 s$/],
    [
      12_000,
      'warn',
      /^the provider's clock is 1[123] s ahead of this machine's; past 30 s the API refuses its ID tokens$/,
    ],
    [
      -125_000,
      'fail',
      /^the provider's clock is 2 min [456] s behind this machine's, more than the 30 s the API tolerates: its ID tokens will be refused$/,
    ],
  ])('offset %i ms: %s', async (offsetMs, status, message) => {
    provider.dateOffsetMs = offsetMs;
    const clock = byCheck(await runDoctor({ config: configFor() })).get('clock');
    expect(clock?.status).toBe(status);
    expect(clock?.message).toMatch(message);
  });
});

describe("gatehouse doctor reading the authorization endpoint's answer", () => {
  const cases: [string, (response: import('node:http').ServerResponse) => void, string, string][] = [
    [
      'a sign-in page (a provider that ignores prompt=none) that links to its redirect_uri',
      (response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<form action="/login?redirect_uri=x&client_id=y"><input name="username"></form>');
      },
      'ok',
      `${PUBLIC_URL}/callback is a registered redirect URI (the provider showed its sign-in page)`,
    ],
    [
      'a redirect to its own sign-in page',
      (response) => {
        response.writeHead(302, { location: '/u/login?state=abc' });
        response.end();
      },
      'ok',
      `${PUBLIC_URL}/callback is a registered redirect URI (the provider showed its sign-in page)`,
    ],
    [
      "Okta's error page",
      (response) => {
        response.writeHead(400, { 'content-type': 'text/html' });
        response.end(
          "<p>400 Bad Request</p><p>The 'redirect_uri' parameter must be a Login redirect URI in the client app settings</p>",
        );
      },
      'fail',
      `${PUBLIC_URL}/callback is not a registered redirect URI of client doctor-app`,
    ],
    [
      "Keycloak's error page",
      (response) => {
        response.writeHead(400, { 'content-type': 'text/html' });
        response.end("<h1>We are sorry...</h1><p id='instruction1'>Invalid parameter: redirect_uri</p>");
      },
      'fail',
      `${PUBLIC_URL}/callback is not a registered redirect URI of client doctor-app`,
    ],
    [
      "Auth0's redirect to its error page",
      (response) => {
        response.writeHead(302, {
          location:
            '/error?error=unauthorized_client&error_description=Callback%20URL%20mismatch.%20x%20is%20not%20in%20the%20list',
        });
        response.end();
      },
      'fail',
      `${PUBLIC_URL}/callback is not a registered redirect URI of client doctor-app`,
    ],
    [
      'an error page that says nothing doctor knows',
      (response) => json(response, 400, { error: 'temporarily_unavailable' }),
      'warn',
      `could not tell whether ${PUBLIC_URL}/callback is registered: the authorization endpoint answered HTTP 400 (temporarily_unavailable)`,
    ],
  ];

  it.each(cases)('%s', async (_name, answer, status, message) => {
    provider.handlers.set('/authorize', (_request, response) => answer(response));
    const findings = byCheck(await runDoctor({ config: configFor() }));
    expect(findings.get('redirect-uri-spa')).toMatchObject({ status, message });
  });

  it('fails an authorization request the provider sends back refused, naming its error', async () => {
    provider.handlers.set('/authorize', (request, response) => {
      const back = new URL(request.query.get('redirect_uri') ?? '');
      back.searchParams.set('error', 'invalid_scope');
      response.writeHead(302, { location: back.href });
      response.end();
    });
    const findings = byCheck(await runDoctor({ config: configFor() }));
    expect(findings.get('redirect-uri-spa')?.status).toBe('ok');
    expect(findings.get('authorization-request')).toEqual({
      check: 'authorization-request',
      status: 'fail',
      message: "the provider refused the API's authorization request for client doctor-app (invalid_scope)",
      fix: 'set OIDC_SCOPES to scopes the provider allows for this client (now "openid profile email")',
    });
  });
});

// docs/security.md 48: no code, state, nonce, verifier, token, cookie or secret in a doctor finding, even from a
// provider that echoes each back in the one place a finding quotes (its OAuth error code).
describe('gatehouse doctor keeps secrets out of its findings', () => {
  it.each([
    [
      'the client secret',
      'token',
      (request: { headers: Record<string, unknown>; body: string }) => basicSecret(request),
    ],
    [
      'the made-up code',
      'token',
      (request: { body: string }) => new URLSearchParams(request.body).get('code'),
    ],
    [
      'the PKCE verifier',
      'token',
      (request: { body: string }) => new URLSearchParams(request.body).get('code_verifier'),
    ],
    ['the state', 'authorize', (request: { query: URLSearchParams }) => request.query.get('state')],
    ['the nonce', 'authorize', (request: { query: URLSearchParams }) => request.query.get('nonce')],
    [
      'the PKCE challenge',
      'authorize',
      (request: { query: URLSearchParams }) => request.query.get('code_challenge'),
    ],
  ] as const)('never shows %s a provider echoes back', async (_name, endpoint, pick) => {
    const echoed: string[] = [];
    if (endpoint === 'token') {
      provider.handlers.set('/token', (request, response) => {
        const value = (pick as (r: typeof request) => string | null)(request) ?? '';
        echoed.push(value);
        json(response, 400, { error: value, error_description: `you sent ${request.body}` });
      });
    } else {
      provider.handlers.set('/authorize', (request, response) => {
        const value = (pick as (r: typeof request) => string | null)(request) ?? '';
        echoed.push(value);
        const back = new URL(request.query.get('redirect_uri') ?? '');
        back.searchParams.set('error', value);
        response.writeHead(302, { location: back.href });
        response.end();
      });
    }
    const findings = await runDoctor({ config: configFor() });
    const shown = JSON.stringify(findings);
    expect(echoed.length).toBeGreaterThan(0);
    // The echo reached a finding (so the test can fail), masked.
    expect(shown).toContain('[redacted]');
    for (const value of echoed) {
      expect(value.length).toBeGreaterThanOrEqual(16);
      expect(shown).not.toContain(value);
    }
    expect(shown).not.toContain(SECRET);
  });
});

function basicSecret(request: { headers: Record<string, unknown> }): string {
  const header = String(request.headers.authorization ?? '');
  const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
  return decodeURIComponent(decoded.slice(decoded.indexOf(':') + 1));
}
