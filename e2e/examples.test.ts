import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, type OidcProviderFixture, spaSignIn, startOidcProvider } from '@gatehouse/api/testing';
import { freePort } from '@gatehouse/common/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServerAlone, type TestAuthServer } from './support/auth-alone.js';
import { launchBrowser, snap } from './support/browser.js';
import { type RunningExample, startExample } from './support/example-process.js';

const SECRET = 'example-client-secret-of-at-least-32-characters';

/** What both examples promise: /api/hello for any signed-in user, /api/admin for the role admin only. */
async function expectGuards(url: string, token: string, sub: string, admin: boolean): Promise<void> {
  const client = apiClient(url);
  const bearer = { headers: { authorization: `Bearer ${token}` } };
  const hello = await client.request('/api/hello', bearer);
  expect(hello.status).toBe(200);
  expect(await hello.json()).toMatchObject({ hello: sub });
  const noToken = await client.request('/api/hello');
  expect(noToken.status).toBe(401);
  expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  expect((await client.request('/api/hello', { headers: { authorization: 'Bearer forged' } })).status).toBe(
    401,
  );
  const adminAnswer = await client.request('/api/admin', bearer);
  if (admin) {
    expect(adminAnswer.status).toBe(200);
    expect(await adminAnswer.json()).toEqual({ admin: sub });
  } else {
    expect(adminAnswer.status).toBe(403);
    expect(adminAnswer.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_role"/);
    expect(await adminAnswer.json()).toMatchObject({ error: 'insufficient_role' });
  }
}

describe.each(['fastify', 'express'] as const)('examples/%s-api', (name) => {
  // The 200-with-admin case needs a provider that asserts roles: oidc-provider releasing `roles` for the
  // `roles` scope, which the example asks for by default because the provider lists it.
  describe('against a provider that asserts roles', () => {
    let op: OidcProviderFixture;
    let example: RunningExample;
    let dataDir: string;

    beforeAll(async () => {
      const port = await freePort();
      const publicUrl = `http://localhost:${port}`;
      dataDir = mkdtempSync(join(tmpdir(), `gatehouse-example-${name}-`));
      op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
      example = await startExample(name, 'node', {
        PORT: String(port),
        OIDC_ISSUER: op.issuer,
        OIDC_CLIENT_SECRET: SECRET,
        DATA_DIR: dataDir,
        RATE_LIMIT_PER_MINUTE: '0',
      });
    });
    afterAll(async () => {
      await example?.stop();
      await op?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('serves /api/hello to a signed-in user, /api/admin to an admin only, and logout refuses the token at once', async () => {
      const client = apiClient(example.url);
      const carol = await spaSignIn(client, (loginUrl) =>
        op.signIn(loginUrl, 'carol').then((back) => back.searchParams),
      );
      await expectGuards(example.url, carol.accessToken, 'carol', true);
      const bob = await spaSignIn(client, (loginUrl) =>
        op.signIn(loginUrl, 'bob').then((back) => back.searchParams),
      );
      await expectGuards(example.url, bob.accessToken, 'bob', false);

      expect((await client.postFromSpa('/api/logout', carol.jar)).status).toBe(200);
      const after = await client.request('/api/admin', {
        headers: { authorization: `Bearer ${carol.accessToken}` },
      });
      expect(after.status).toBe(401);
      expect(await after.json()).toMatchObject({ error: 'session_revoked' });
    });
  });

  // As the README's "Protect your own API" runs it: `gatehouse start auth`, a user and the example's client
  // registered with the CLI, `npm run example:<name>`, a sign-in in Chromium.
  describe('against the embedded auth server, started as the README says', () => {
    let auth: TestAuthServer;
    let example: RunningExample;
    let browser: Browser;
    let dataDir: string;
    let url: string;

    beforeAll(async () => {
      auth = await startAuthServerAlone();
      const port = await freePort();
      url = `http://localhost:${port}`;
      await auth.cli(
        ['users', 'add', 'ada', '--email', 'ada@example.test', '--password-stdin'],
        'a long passphrase of ada',
      );
      await auth.cli(
        ['users', 'add', 'grace', '--email', 'grace@example.test', '--role', 'admin', '--password-stdin'],
        'a long passphrase of grace',
      );
      await auth.cli(
        [
          'clients',
          'add',
          'my-api',
          '--secret-stdin',
          '--redirect-uri',
          `${url}/callback`,
          '--redirect-uri',
          `${url}/authorization-code/callback`,
          '--post-logout-redirect-uri',
          `${url}/`,
          '--backchannel-logout-uri',
          `${url}/api/backchannel-logout`,
          '--first-party',
        ],
        SECRET,
      );
      dataDir = mkdtempSync(join(tmpdir(), `gatehouse-example-${name}-`));
      example = await startExample(name, 'npm run', {
        PORT: String(port),
        OIDC_ISSUER: auth.issuer,
        OIDC_CLIENT_ID: 'my-api',
        OIDC_CLIENT_SECRET: SECRET,
        DATA_DIR: dataDir,
      });
      browser = await launchBrowser();
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await example?.stop();
      await auth?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    /** Signs `username` in through the simple flow in a fresh context; the refresh cookie buys the API's token. */
    async function signIn(username: string): Promise<{
      context: BrowserContext;
      page: Page;
      answer: { access_token: string; user: { sub: string; roles?: string[] } };
    }> {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${url}/authorization-code/login`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(`a long passphrase of ${username}`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((landed) => landed.origin === new URL(url).origin && landed.pathname === '/');
      await snap(page, `example-${name}`, `signed-in-${username}`);
      // What the README says to run in the browser's console.
      const answer = await page.evaluate(async () => {
        const response = await fetch('/api/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        return (await response.json()) as { access_token: string; user: { sub: string; roles?: string[] } };
      });
      return { context, page, answer };
    }

    it('signs a user in through the simple flow, then 200, 401 and 403 as promised, and logout ends it at once', async () => {
      const { context, page, answer } = await signIn('ada');
      try {
        await expectGuards(url, answer.access_token, answer.user.sub, false);

        const logout = await page.evaluate(async () => {
          const response = await fetch('/api/logout', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          });
          return response.status;
        });
        expect(logout).toBe(200);
        const after = await apiClient(url).request('/api/hello', {
          headers: { authorization: `Bearer ${answer.access_token}` },
        });
        expect(after.status).toBe(401);
      } finally {
        await context.close();
      }
    });

    it('gives /api/admin to a user given the role with `gatehouse users add --role admin`', async () => {
      const { context, answer } = await signIn('grace');
      try {
        expect(answer.user.roles).toEqual(['admin']);
        await expectGuards(url, answer.access_token, answer.user.sub, true);
      } finally {
        await context.close();
      }
    });
  });
});
