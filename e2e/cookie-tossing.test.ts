import { createServer, type Server } from 'node:http';
import { freePort } from '@gatehouse/common/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, snap } from './support/browser.js';
import { startTestGatehouse, type TestGatehouse, type TestUser } from './support/gatehouse.js';
import { isSignedOut } from './support/sign-in.js';

const mallory: TestUser = {
  username: 'mallory',
  password: 'a long passphrase for mallory, the attacker',
  email: 'mallory@example.test',
};

/** A server on another port of the same host: what the attacker controls (another app on localhost, say). */
async function startAttackerSite(answer: () => { cookie: string; location: string }): Promise<{
  url: string;
  server: Server;
}> {
  const port = await freePort();
  const server = createServer((_request, response) => {
    const { cookie, location } = answer();
    // Cookies are not separated by port: this one lands in the jar of the app's host, and the __Host- prefix
    // does not stop it (Secure, Path=/, no Domain: Chromium treats http://localhost as a secure context).
    response.writeHead(302, { 'set-cookie': cookie, location, 'cache-control': 'no-store' });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://localhost:${port}/`, server };
}

// docs/security.md 51: login CSRF by cookie tossing on a shared host, in a real browser.
describe('a login transaction cookie planted from another port of the same host', () => {
  let gatehouse: TestGatehouse;
  let browser: Browser;
  let attackerSite: { url: string; server: Server };
  let planted: { cookie: string; location: string } | undefined;

  beforeAll(async () => {
    gatehouse = await startTestGatehouse([mallory]);
    browser = await launchBrowser();
    attackerSite = await startAttackerSite(() => {
      if (planted === undefined) throw new Error('the attacker has no login to plant yet');
      return planted;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await gatehouse?.close();
    await new Promise((resolve) => attackerSite?.server.close(resolve));
  });

  it('does not sign the victim in as the attacker', async () => {
    // The attacker, in a browser of their own, starts a login with the app, signs in at the auth server as
    // themselves and stops at the redirect back to the app: their code, state and transaction cookie.
    const attackerContext = await browser.newContext();
    const attackerPage = await attackerContext.newPage();
    let callbackUrl: string | undefined;
    attackerPage.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/callback' && url.searchParams.has('code')) callbackUrl = request.url();
    });
    // The attacker's own page must not spend the login: its exchange never leaves the browser.
    await attackerPage.route('**/api/callback?*', (route) => route.abort());
    await attackerPage.goto(gatehouse.url);
    await attackerPage.getByRole('button', { name: 'Log in' }).click();
    await attackerPage.getByLabel('Username').fill(mallory.username);
    await attackerPage.getByLabel('Password').fill(mallory.password);
    await attackerPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => callbackUrl).toBeDefined();
    const transaction = (await attackerContext.cookies(gatehouse.url)).find((cookie) =>
      cookie.name.startsWith('__Host-gh_tx_'),
    );
    expect(transaction).toBeDefined();
    await attackerContext.close();
    planted = {
      cookie: `${transaction?.name}=${transaction?.value}; Path=/; Secure; HttpOnly; SameSite=Lax`,
      location: callbackUrl ?? '',
    };

    // The victim visits the attacker's page: it plants the cookie and sends the victim's browser to the app's
    // callback with the attacker's code and state. The victim's tab never started that login.
    const victimContext = await browser.newContext();
    const page = await victimContext.newPage();
    const answers: { status: number; body: string }[] = [];
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname === '/api/callback') {
        answers.push({ status: response.status(), body: await response.text() });
      }
    });
    await page.goto(attackerSite.url);
    await expect.poll(() => answers.length).toBe(1);
    // The cookie did reach the app (the attack is real): the API refused for want of the tab's verifier.
    // Without that check the answer is a 200 with the attacker's session.
    expect(answers[0]?.status).toBe(400);
    await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
    await snap(page, 'cookie-tossing', '01-refused');
    expect(JSON.parse(answers[0]?.body ?? '{}')).toMatchObject({ error: 'login_transaction_not_found' });
    expect(answers[0]?.body).not.toContain('access_token');
    expect(
      (await victimContext.cookies(gatehouse.url)).some((cookie) => cookie.name === '__Host-gh_refresh'),
    ).toBe(false);

    // Not signed in as the attacker, now or after a reload (no refresh cookie was set).
    await page.goto(gatehouse.url);
    await expect.poll(() => isSignedOut(page)).toBe(true);
    expect(await page.getByText(mallory.email).count()).toBe(0);
    await victimContext.close();
  });
});
