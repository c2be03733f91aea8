import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../config/load-api-config.js';
import { CookieJar } from '../testing/cookie-jar.js';
import { captureLogs } from '../testing/log-capture.js';
import { newLoginVerifier } from '../testing/login-verifier.js';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { spaSignIn } from '../testing/spa-sign-in.js';
import { type ApiClient, apiClient, reservePublicUrl } from '../testing/test-api.js';
import { type GatehouseExpress, gatehouseExpress } from './gatehouse-express.js';

const SECRET = 'test-client-secret-value';

/** Where the team mounts its body parsers: before Gatehouse's router (the common global way) or after it. */
type ParserOrder = 'parsers before the router' | 'parsers after the router';

interface Running {
  client: ApiClient;
  op: OidcProviderFixture;
  gatehouse: GatehouseExpress;
  close(): Promise<void>;
}

async function teamExpressApp(order: ParserOrder): Promise<Running> {
  const publicUrl = await reservePublicUrl();
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-express-'));
  const op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
  const gatehouse = await gatehouseExpress({
    config: loadApiConfig({
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_SECRET: SECRET,
      PUBLIC_URL: publicUrl,
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '0',
    }),
    logger: captureLogs().logger,
  });
  const app = express();
  // A guard first, its route's own parser after it: the body is read only for a verified user (a global parser
  // mounted in front of a route reads every body first, guard or not).
  app.post('/api/upload', gatehouse.requireUser(), express.json({ limit: '10mb' }), (req, res) => {
    res.json({ size: JSON.stringify(req.body).length });
  });
  const parsers = [express.json(), express.urlencoded({ extended: false })];
  if (order === 'parsers before the router') app.use(...parsers);
  app.use(gatehouse.router);
  if (order === 'parsers after the router') app.use(...parsers);
  app.get('/api/hello', gatehouse.requireUser(), (req, res) => {
    res.json({ hello: req.gatehouse?.user.sub });
  });
  app.get('/api/admin', gatehouse.requireRole('admin'), (_req, res) => {
    res.json({ admin: true });
  });
  app.get('/api/write', gatehouse.requireScope('contacts:write'), (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/api/echo', (req, res) => {
    res.json({ echoed: req.body });
  });
  app.get('/api/broken', () => {
    throw new Error('the team broke it');
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ teamNotFound: true });
  });
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ teamError: error.message });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(Number(new URL(publicUrl).port), '127.0.0.1', resolve));
  return {
    client: apiClient(publicUrl),
    op,
    gatehouse,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await gatehouse.close();
      await op.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe.each<ParserOrder>(['parsers before the router', 'parsers after the router'])(
  'gatehouseExpress on an Express 5 app, %s',
  (order) => {
    let t: Running;
    beforeAll(async () => {
      t = await teamExpressApp(order);
    });
    afterAll(async () => t?.close());

    const signIn = (who: string, jar?: CookieJar) =>
      spaSignIn(t.client, (loginUrl) => t.op.signIn(loginUrl, who).then((back) => back.searchParams), jar);
    const get = (path: string, token: string) =>
      t.client.request(path, { headers: { authorization: `Bearer ${token}` } });

    it('signs in, refreshes and logs out through the router, and the logout refuses the token at once', async () => {
      const { jar, accessToken } = await signIn('carol');
      expect(await (await get('/api/hello', accessToken)).json()).toEqual({ hello: 'carol' });
      expect(await (await get('/api/me', accessToken)).json()).toMatchObject({
        sub: 'carol',
        roles: ['admin', 'auditor'],
      });
      const refreshed = await t.client.postFromSpa('/api/refresh', jar);
      expect(refreshed.status).toBe(200);
      const next = ((await refreshed.json()) as { access_token: string }).access_token;
      expect((await t.client.postFromSpa('/api/logout', jar)).status).toBe(200);
      for (const token of [accessToken, next]) {
        const refused = await get('/api/hello', token);
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ error: 'session_revoked' });
      }
    });

    it('takes a back-channel logout form, the provider ending the session ends the API one', async () => {
      const jar = new CookieJar();
      const page = newLoginVerifier();
      const login = await t.client.request('/api/login', { jar, headers: page.loginHeaders });
      const { back, jar: providerJar } = await t.op.signInSession(
        ((await login.json()) as { login_url: string }).login_url,
        'bob',
      );
      const callback = await t.client.request(`/api/callback${back.search}`, {
        jar,
        headers: page.callbackHeaders,
      });
      const { access_token } = (await callback.json()) as { access_token: string };
      expect((await get('/api/hello', access_token)).status).toBe(200);
      await t.op.endSession(providerJar);
      expect((await get('/api/hello', access_token)).status).toBe(401);
    });

    it('answers 401 and 403 with their Bearer challenges, not through the app error middleware', async () => {
      const refused = await t.client.request('/api/hello');
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      const bob = (await signIn('bob')).accessToken;
      const role = await get('/api/admin', bob);
      expect(role.status).toBe(403);
      expect(role.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_role"/);
      expect(await role.json()).toMatchObject({ error: 'insufficient_role' });
      const scope = await get('/api/write', bob);
      expect(scope.status).toBe(403);
      expect(scope.headers.get('www-authenticate')).toMatch(/scope="contacts:write"$/);
      const carol = (await signIn('carol')).accessToken;
      expect(await (await get('/api/admin', carol)).json()).toEqual({ admin: true });
    });

    it("leaves the app's own routes, bodies, 404 and errors to the app", async () => {
      const echo = await t.client.request('/api/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: 1 }),
      });
      expect(await echo.json()).toEqual({ echoed: { a: 1 } });
      expect(await (await t.client.request('/nowhere')).json()).toEqual({ teamNotFound: true });
      const broken = await t.client.request('/api/broken');
      expect(broken.status).toBe(500);
      expect(await broken.json()).toEqual({ teamError: 'the team broke it' });
      // Gatehouse's own error answers are still its own.
      const login = await t.client.request('/api/login');
      expect(login.status).toBe(400);
      expect(await login.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('runs a guard before a route-level parser: no token is a 401 however large the body', async () => {
      const response = await t.client.request('/api/upload', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ big: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(response.status).toBe(401);
      const { accessToken } = await signIn('bob');
      const accepted = await t.client.request('/api/upload', {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ big: 'x'.repeat(1000) }),
      });
      expect(accepted.status).toBe(200);
    });

    it('still refuses a cross-site refresh and an oversized body on its own routes', async () => {
      const crossSite = await t.client.request('/api/refresh', {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(crossSite.status).toBe(403);
      expect(await crossSite.json()).toMatchObject({ error: 'cross_site_request' });
      const oversized = await t.client.request('/api/backchannel-logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `logout_token=${'x'.repeat(80 * 1024)}`,
      });
      expect(oversized.status).toBe(413);
      expect(await oversized.json()).toMatchObject({ error: 'request_too_large' });
    });
  },
);

// The internal Fastify app would route every /api/ path to the gateway before Express's own routes ran.
it('refuses UPSTREAM_URL with one line naming it: the Express adapter has no gateway', async () => {
  const config = loadApiConfig({
    OIDC_ISSUER: 'http://127.0.0.1:9',
    OIDC_CLIENT_SECRET: SECRET,
    PUBLIC_URL: 'http://localhost:3001',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-express-upstream-')),
    UPSTREAM_URL: 'http://127.0.0.1:8000',
  });
  try {
    await expect(gatehouseExpress({ config, logger: captureLogs().logger })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringMatching(/^Invalid UPSTREAM_URL: the Express adapter has no gateway/),
    });
  } finally {
    rmSync(config.dataDir, { recursive: true, force: true });
  }
});
