import { openAuthStore } from '@gatehouse/auth-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startTestGatehouse, type TestGatehouse, type TestUser } from './support/gatehouse.js';

const dora: TestUser = {
  username: 'dora',
  password: 'a long passphrase for dora that is not short',
  email: 'dora@example.test',
};

// docs/security.md 49 against the embedded auth server: with back-channel logout removed from the API's client
// registration (as at a provider that sends none), `gatehouse users disable` is caught by the session check alone.
describe('a session that follows the embedded auth server (OIDC_SESSION_CHECK_INTERVAL)', () => {
  let gatehouse: TestGatehouse;
  let browser: Browser;

  beforeAll(async () => {
    // One second: every refresh asks the provider, so the test needs no clock of its own.
    gatehouse = await startTestGatehouse([dora], { OIDC_SESSION_CHECK_INTERVAL: '1' });
    browser = await launchBrowser();
    const store = openAuthStore(gatehouse.dataDir);
    try {
      const client = await store.clients.find('gatehouse-api');
      if (client === undefined) throw new Error('the API client is not registered');
      await store.clients.put({ ...client, backchannelLogoutUri: null });
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await gatehouse?.close();
  });

  it('users disable: the next refresh past the interval is refused, with no back-channel logout sent', async () => {
    const context = await browser.newContext();
    let refreshCookie = '';
    try {
      const page = await context.newPage();
      let accessToken = '';
      // Every page the auth server showed: the consent page must not be one of them.
      const shown: Promise<string>[] = [];
      page.on('response', (response) => {
        const url = new URL(response.url());
        if (url.pathname === '/api/callback' && response.ok()) {
          shown.push(
            response.json().then((body: { access_token: string }) => {
              accessToken = body.access_token;
              return '';
            }),
          );
        } else if (
          url.origin !== gatehouse.url &&
          url.pathname.startsWith('/interaction/') &&
          response.ok()
        ) {
          shown.push(response.text().catch(() => ''));
        }
      });
      await page.goto(gatehouse.url);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByLabel('Username').fill(dora.username);
      await page.getByLabel('Password').fill(dora.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      // offline_access is asked for with prompt=consent (OIDC Core 11); the API is a first-party client of the
      // embedded auth server, whose standing grant answers it: no consent page, this sign-in or the next.
      await expect.poll(() => accessToken).toMatch(/^eyJ/);
      // The second sign-in: the API's session gone, the auth server's kept (it signs dora in without the form).
      await context.clearCookies({ name: '__Host-gh_refresh' });
      accessToken = '';
      await page.goto(gatehouse.url);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => accessToken).toMatch(/^eyJ/);
      const pages = await Promise.all(shown);
      expect(pages.filter((html) => html.includes('>Allow</button>'))).toEqual([]);
      const cookie = (await context.cookies(gatehouse.url)).find((each) => each.name === '__Host-gh_refresh');
      refreshCookie = `${cookie?.name}=${cookie?.value}`;
    } finally {
      await context.close();
    }

    const refresh = async () => {
      const response = await fetch(`${gatehouse.url}/api/refresh`, {
        method: 'POST',
        headers: { origin: gatehouse.url, 'content-type': 'application/json', cookie: refreshCookie },
        body: '{}',
      });
      const rotated = response.headers
        .getSetCookie()
        .find((line) => line.startsWith('__Host-gh_refresh=') && !line.startsWith('__Host-gh_refresh=;'));
      if (rotated !== undefined) refreshCookie = rotated.split(';')[0] ?? '';
      const body = (await response.json()) as { error?: string };
      return `${response.status} ${body.error ?? ''}`.trim();
    };
    // The provider vouches while dora is enabled (a refresh grant with its refresh token).
    expect(await refresh()).toBe('200');

    const disabled = await gatehouse.cli(['users', 'disable', dora.username]);
    expect(disabled, disabled.stderr).toMatchObject({ code: 0 });
    // The interval (1 s) passes; the first refresh after it asks the provider, which refuses: the session ends.
    // A back-channel logout would have answered session_revoked instead.
    await expect.poll(refresh, { timeout: 10_000, interval: 300 }).toBe('401 provider_session_ended');
  });
});
