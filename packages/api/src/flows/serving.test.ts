import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../config/load-api-config.js';
import { startApi } from '../server/start-api.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { captureLogs } from '../testing/log-capture.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

describe('serving the SPA', () => {
  let op: MisbehavingProvider;
  let t: TestApi;
  let spaDir: string;

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
    spaDir = mkdtempSync(join(tmpdir(), 'gatehouse-spa-'));
    mkdirSync(join(spaDir, 'assets'));
    writeFileSync(
      join(spaDir, 'index.html'),
      '<!doctype html><title>Gatehouse</title><script src="/assets/app-1a2b3c.js"></script>',
    );
    writeFileSync(
      join(spaDir, 'assets', 'app-1a2b3c.js'),
      'console.log(1)\n//# sourceMappingURL=app-1a2b3c.js.map',
    );
    // A team's own build may carry source maps (ours makes none).
    writeFileSync(
      join(spaDir, 'assets', 'app-1a2b3c.js.map'),
      '{"version":3,"sources":["secret-source.ts"]}',
    );
    t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { SPA_DIR: spaDir },
    });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
    rmSync(spaDir, { recursive: true, force: true });
  });

  it('serves index.html revalidated, hashed assets immutable, and the strict CSP', async () => {
    const index = await t.request('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'",
    );
    const asset = await t.request('/assets/app-1a2b3c.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers no-store on everything but the SPA files and the public JWKS, however the path is spelled', async () => {
    // The router decodes `%61` to `a`: these reach /api/login and the simple-flow login, which set cookies.
    const headers = newLoginVerifier().loginHeaders;
    expect(await (await t.request('/%61pi/login', { headers })).json()).toHaveProperty('login_url');
    for (const path of ['/%61pi/login', '/api/login', '/%61uthorization-code/login', '/api/me', '/healthz']) {
      const response = await t.request(path, { headers });
      expect(response.headers.get('cache-control'), path).toBe('no-store');
    }
    // An absolute-form request target (RFC 9112 3.2.2), which fetch cannot send.
    const absolute = await new Promise<string | undefined>((resolve, reject) => {
      const url = new URL(t.url);
      httpRequest({ host: url.hostname, port: url.port, path: `${t.url}/api/login`, headers }, (response) => {
        response.resume();
        resolve(response.headers['cache-control']);
      })
        .on('error', reject)
        .end();
    });
    expect(absolute).toBe('no-store');
    expect((await t.request('/.well-known/jwks.json')).headers.get('cache-control')).toBe(
      'public, max-age=60',
    );
    expect((await t.request('/callback?code=x')).headers.get('cache-control')).toBe('no-cache');
  });

  it('serves source maps outside production only; in production a map is a 404, not the app page', async () => {
    expect((await t.request('/assets/app-1a2b3c.js.map')).status).toBe(200);
    const production = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { SPA_DIR: spaDir, NODE_ENV: 'production' },
    });
    try {
      expect((await production.request('/assets/app-1a2b3c.js')).status).toBe(200);
      const map = await production.request('/assets/app-1a2b3c.js.map');
      expect(map.status).toBe(404);
      const body = await map.text();
      expect(JSON.parse(body)).toMatchObject({ error: 'not_found' });
      expect(body).not.toContain('secret-source');
      expect((await production.request('/assets/other.js.map')).status).toBe(404);
    } finally {
      await production.close();
    }
  });

  it('falls back to index.html for app routes (the SPA /callback included) but not for API paths', async () => {
    for (const path of ['/callback?code=x&state=y', '/contacts/42']) {
      const response = await t.request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain('<title>Gatehouse</title>');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    for (const path of ['/api/nope', '/authorization-code/nope', '/.well-known/nope']) {
      const response = await t.request(path);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
  });
});

describe('client authentication methods and port 0', () => {
  let op: MisbehavingProvider;
  beforeAll(async () => {
    op = await MisbehavingProvider.start();
  });
  afterAll(async () => op?.close());

  async function loginOnce(t: TestApi) {
    const jar = new CookieJar();
    const page = newLoginVerifier();
    const { login_url } = (await (
      await t.request('/api/login', { jar, headers: page.loginHeaders })
    ).json()) as {
      login_url: string;
    };
    return t.request(`/api/callback?${op.authorize(login_url)}`, { jar, headers: page.callbackHeaders });
  }

  it('client_secret_post sends the secret in the body, never in a URL', async () => {
    const t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { OIDC_TOKEN_AUTH_METHOD: 'client_secret_post' },
    });
    try {
      op.reset();
      expect((await loginOnce(t)).status).toBe(200);
      const [token] = op.requestsTo('/token');
      expect(new URLSearchParams(token?.body).get('client_secret')).toBe(op.clientSecret);
      expect(token?.headers.authorization).toBeUndefined();
      expect(token?.url).toBe('/token');
    } finally {
      await t.close();
    }
  });

  it('private_key_jwt signs a client assertion with a key of the API, whose public JWKS it serves', async () => {
    const t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { OIDC_TOKEN_AUTH_METHOD: 'private_key_jwt', OIDC_CLIENT_SECRET: '' },
    });
    try {
      op.reset();
      expect((await loginOnce(t)).status).toBe(200);
      const [token] = op.requestsTo('/token');
      const params = new URLSearchParams(token?.body);
      expect(params.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      const jwks = (await (await t.request('/.well-known/client-jwks.json')).json()) as { keys: [] };
      const { payload } = await compactVerify(params.get('client_assertion') ?? '', createLocalJWKSet(jwks));
      expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({
        iss: 'gatehouse-api',
        sub: 'gatehouse-api',
      });
    } finally {
      await t.close();
    }
  });

  it('supports port 0: PUBLIC_URL and the token audience follow the bound port', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-port0-'));
    const logs = captureLogs();
    const api = await startApi({
      config: loadApiConfig({
        OIDC_ISSUER: op.issuer,
        OIDC_CLIENT_SECRET: op.clientSecret,
        PORT: '0',
        DATA_DIR: dataDir,
      }),
      logger: logs.logger,
    });
    try {
      expect(api.port).toBeGreaterThan(0);
      expect(api.url).toBe(`http://localhost:${api.port}`);
      const login = (await (
        await fetch(`${api.url}/api/login`, { headers: newLoginVerifier().loginHeaders })
      ).json()) as { login_url: string };
      expect(new URL(login.login_url).searchParams.get('redirect_uri')).toBe(`${api.url}/callback`);
    } finally {
      await api.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
