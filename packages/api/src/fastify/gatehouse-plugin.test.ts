import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../config/load-api-config.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { captureLogs } from '../testing/log-capture.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { spaSignIn } from '../testing/spa-sign-in.js';
import { type ApiClient, apiClient, reservePublicUrl } from '../testing/test-api.js';
import { gatehouse } from './gatehouse-plugin.js';

const SECRET = 'test-client-secret-value';
const TEAM_CSP = "default-src 'self' https://cdn.team.example";

/** A team's own app: its error handler, CSP, cookies and 404, with Gatehouse registered and guarded routes. */
async function teamApp(
  op: OidcProviderFixture,
  publicUrl: string,
  dataDir: string,
  options: { cookiesFirst: boolean; rateLimitFirst?: boolean; lines?: string[] },
): Promise<FastifyInstance> {
  const app = Fastify(
    options.lines === undefined
      ? {}
      : { logger: { level: 'info', stream: { write: (line: string) => options.lines?.push(line) } } },
  );
  app.setErrorHandler((error, _request, reply) => {
    reply.status(500).send({ teamError: error instanceof Error ? error.message : String(error) });
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.status(404).send({ teamNotFound: true });
  });
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', TEAM_CSP);
  });
  if (options.cookiesFirst) await app.register(fastifyCookie);
  // The app's own rate limiter, for its own routes only (`global: false`).
  if (options.rateLimitFirst) await app.register(fastifyRateLimit, { global: false });
  await app.register(gatehouse, {
    config: loadApiConfig({
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_SECRET: SECRET,
      PUBLIC_URL: publicUrl,
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: options.rateLimitFirst ? '3' : '0',
    }),
    logger: captureLogs().logger,
  });
  if (!options.cookiesFirst) await app.register(fastifyCookie);
  app.get('/api/hello', { onRequest: app.gatehouse.requireUser() }, async (request) => ({
    hello: request.gatehouse.user.sub,
    cookies: Object.keys(request.cookies),
  }));
  app.get('/api/admin', { onRequest: app.gatehouse.requireRole('admin') }, async () => ({ admin: true }));
  app.get('/api/root', { onRequest: app.gatehouse.requireRole('admin', 'root') }, async () => ({
    root: true,
  }));
  app.get('/api/roles-scope', { onRequest: app.gatehouse.requireScope('roles') }, async () => ({ ok: true }));
  app.get('/api/write', { onRequest: app.gatehouse.requireScope('contacts:write') }, async () => ({
    ok: true,
  }));
  app.post('/api/upload', { onRequest: app.gatehouse.requireUser() }, async () => ({ uploaded: true }));
  app.get('/api/broken', async () => {
    throw new Error('the team broke it');
  });
  app.get('/api/unguarded', async (request) => ({ sub: request.gatehouse.user.sub }));
  await app.listen({ port: Number(new URL(publicUrl).port), host: '127.0.0.1' });
  return app;
}

describe('the gatehouse Fastify plugin on a team app', () => {
  let op: OidcProviderFixture;
  let app: FastifyInstance;
  let client: ApiClient;
  let dataDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const publicUrl = await reservePublicUrl();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-plugin-'));
    op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    app = await teamApp(op, publicUrl, dataDir, { cookiesFirst: true, lines });
    client = apiClient(publicUrl);
  });
  afterAll(async () => {
    await app?.close();
    await op?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = (who: string) =>
    spaSignIn(client, (loginUrl) => op.signIn(loginUrl, who).then((back) => back.searchParams));
  const get = (path: string, token?: string) =>
    client.request(path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  it('guards a route: 401 with a Bearer challenge without a valid token, the verified user with one', async () => {
    for (const authorization of [undefined, 'Bearer not-a-token', 'Basic dXNlcjpwYXNz']) {
      const refused = await client.request('/api/hello', authorization ? { headers: { authorization } } : {});
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(
        /^Bearer error="invalid_token", error_description="/,
      );
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(await refused.json()).toMatchObject({ error: 'invalid_token' });
    }
    const { accessToken } = await signIn('bob');
    const hello = await get('/api/hello', accessToken);
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ hello: 'bob', cookies: [] });
  });

  it('answers 403 insufficient_role and insufficient_scope with a challenge that names what is missing', async () => {
    const carol = (await signIn('carol')).accessToken;
    const bob = (await signIn('bob')).accessToken;
    expect((await get('/api/admin', carol)).status).toBe(200);
    expect((await get('/api/roles-scope', carol)).status).toBe(200);

    for (const [path, token] of [
      ['/api/admin', bob],
      ['/api/root', carol],
    ] as const) {
      const refused = await get(path, token);
      expect(refused.status, path).toBe(403);
      expect(refused.headers.get('www-authenticate'), path).toMatch(
        /^Bearer error="insufficient_role", error_description="This route requires the roles? [a-z, ]+\."$/,
      );
      expect(await refused.json(), path).toMatchObject({ error: 'insufficient_role' });
    }
    const write = await get('/api/write', carol);
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", error_description="This route requires the scope contacts:write.", scope="contacts:write"',
    );
    expect(await write.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('refuses the token of a logged-out session at once on a guarded route', async () => {
    const { jar, accessToken } = await signIn('carol');
    expect((await get('/api/admin', accessToken)).status).toBe(200);
    expect((await client.postFromSpa('/api/logout', jar)).status).toBe(200);
    const after = await get('/api/admin', accessToken);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: 'session_revoked' });
  });

  it('runs the guard before the body is read: no token is a 401 however large or strange the body', async () => {
    for (const [type, size] of [
      ['application/json', 2 * 1024 * 1024],
      ['application/x-never-parsed', 10],
    ] as const) {
      const response = await client.request('/api/upload', {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'x'.repeat(size),
      });
      expect(response.status, type).toBe(401);
    }
  });

  it("leaves the app its own error handler, headers, cookie plugin and 404, and keeps Gatehouse's on its routes", async () => {
    const broken = await get('/api/broken');
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ teamError: 'the team broke it' });
    expect(broken.headers.get('content-security-policy')).toBe(TEAM_CSP);
    expect(broken.headers.get('x-frame-options')).toBeNull();

    const missing = await get('/nowhere');
    expect(await missing.json()).toEqual({ teamNotFound: true });

    // Gatehouse's own routes: its JSON errors, its CSP and no-store.
    const login = await get('/api/login');
    expect(login.status).toBe(400);
    expect(await login.json()).toMatchObject({ error: 'invalid_request' });
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(login.headers.get('cache-control')).toBe('no-store');

    // The app's cookies reach its routes; Gatehouse's refresh cookie works beside them.
    const jar = new CookieJar();
    jar.cookies.set('team', 'value');
    const { accessToken } = await spaSignIn(
      client,
      (loginUrl) => op.signIn(loginUrl, 'bob').then((back) => back.searchParams),
      jar,
    );
    const hello = await client.request('/api/hello', {
      jar,
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await hello.json()) as { cookies: string[] }).cookies.sort()).toEqual([
      '__Host-gh_refresh',
      'team',
    ]);
    expect((await client.postFromSpa('/api/refresh', jar)).status).toBe(200);
  });

  it('treats request.gatehouse on a route without a guard as a programming error, never as a user', async () => {
    const { accessToken } = await signIn('carol');
    const response = await get('/api/unguarded', accessToken);
    expect(response.status).toBe(500);
    expect(((await response.json()) as { teamError: string }).teamError).toMatch(/requireUser\(\)/);
  });

  it("masks the callback's code and state in the app's own request log lines", async () => {
    const page = newLoginVerifier();
    const jar = new CookieJar();
    const login = await client.request('/api/login', { jar, headers: page.loginHeaders });
    const back = await op.signIn(((await login.json()) as { login_url: string }).login_url, 'bob');
    const code = back.searchParams.get('code') ?? 'missing';
    const state = back.searchParams.get('state') ?? 'missing';
    expect(
      (await client.request(`/api/callback${back.search}`, { jar, headers: page.callbackHeaders })).status,
    ).toBe(200);
    const text = lines.join('');
    expect(text).toContain('/api/callback');
    expect(text).not.toContain(code);
    expect(text).not.toContain(state);
  });
});

describe('the gatehouse plugin beside the plugins an app registers itself', () => {
  it('works with @fastify/cookie registered after it, and its rate limits use an @fastify/rate-limit registered before', async () => {
    const publicUrl = await reservePublicUrl();
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-plugin-'));
    const op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    const app = await teamApp(op, publicUrl, dataDir, { cookiesFirst: false, rateLimitFirst: true });
    try {
      const client = apiClient(publicUrl);
      const { jar, accessToken } = await spaSignIn(client, (loginUrl) =>
        op.signIn(loginUrl, 'carol').then((back) => back.searchParams),
      );
      const admin = await client.request('/api/admin', {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(admin.status).toBe(200);
      expect((await client.postFromSpa('/api/refresh', jar)).status).toBe(200);
    } finally {
      await app.close();
      await op.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** A GET with its target sent exactly as written (fetch would resolve `..` before sending). */
function rawGet(url: string, target: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const request = httpRequest(
      { hostname, port, path: target, headers: { authorization: `Bearer ${token}` }, timeout: 5000 },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end();
  });
}

// UPSTREAM_URL in the plugin's configuration: the gateway on a team's own Fastify app, whose router does not make
// targets canonical first (no `rewriteUrl`), the same gateway code as `gatehouse start api` (docs/security.md 34, 35).
describe('the gatehouse Fastify plugin with UPSTREAM_URL on a team app', () => {
  let op: OidcProviderFixture;
  let app: FastifyInstance;
  let client: ApiClient;
  let dataDir: string;
  let upstream: Server;
  const seen: { url: string; sub: string | undefined }[] = [];

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      const sub = request.headers['x-gatehouse-sub'];
      seen.push({ url: request.url ?? '', sub: typeof sub === 'string' ? sub : undefined });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"from":"upstream"}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const publicUrl = await reservePublicUrl();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-plugin-gateway-'));
    op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    app = Fastify();
    await app.register(gatehouse, {
      config: loadApiConfig({
        OIDC_ISSUER: op.issuer,
        OIDC_CLIENT_SECRET: SECRET,
        PUBLIC_URL: publicUrl,
        DATA_DIR: dataDir,
        UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      }),
      logger: captureLogs().logger,
    });
    app.get('/api/hello', { onRequest: app.gatehouse.requireUser() }, async () => ({ from: 'app' }));
    await app.listen({ port: Number(new URL(publicUrl).port), host: '127.0.0.1' });
    client = apiClient(publicUrl);
  });
  afterAll(async () => {
    await app?.close();
    await op?.close();
    await new Promise((resolve) => upstream?.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("forwards what the app does not answer, once verified; never the app's own paths nor a non-canonical target", async () => {
    const { accessToken } = await spaSignIn(client, (loginUrl) =>
      op.signIn(loginUrl, 'bob').then((back) => back.searchParams),
    );
    const bearer = { headers: { authorization: `Bearer ${accessToken}` } };

    const forwarded = await client.request('/api/orders?page=2', bearer);
    expect(forwarded.status).toBe(200);
    expect(await forwarded.json()).toEqual({ from: 'upstream' });
    expect(forwarded.headers.get('x-content-type-options')).toBe('nosniff');
    expect(seen).toEqual([{ url: '/api/orders?page=2', sub: 'bob' }]);

    // No valid token: 401, and the upstream sees nothing.
    expect((await client.request('/api/orders')).status).toBe(401);
    // The app's own route, and its path with another method: never the upstream's.
    expect(await (await client.request('/api/hello', bearer)).json()).toEqual({ from: 'app' });
    expect((await client.request('/api/hello', { ...bearer, method: 'DELETE' })).status).toBe(404);
    expect((await client.request('/api/me', { ...bearer, method: 'POST' })).status).toBe(404);
    // docs/security.md 35: routed as `/api/*` but not the path the upstream would get: refused, not forwarded.
    expect(await rawGet(client.url, '/api/x/../orders', accessToken)).toBe(400);
    expect(await rawGet(client.url, '/api//orders', accessToken)).toBe(400);
    expect(seen).toHaveLength(1);
  });
});
