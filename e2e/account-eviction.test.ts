import { generateTotpSecret } from '@gatehouse/auth-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startTestGatehouse, type TestGatehouse, type TestUser } from './support/gatehouse.js';
import { signIn } from './support/sign-in.js';

const user = (username: string): TestUser => ({
  username,
  password: `a long passphrase for ${username} that is not short`,
  email: `${username}@example.test`,
});
const victims = {
  passwd: user('paula'),
  remove: user('rhea'),
  totp: user('tess'),
  disable: user('dora'),
};

// docs/security.md 49 (issue 16 item 1): the normal incident response, a password reset, evicts whoever holds a
// stolen session. The command runs in its own process (here: in-process, on its own connection to DATA_DIR)
// while the auth server runs in another; the auth server's back-channel logout reaches the API, and the old
// refresh cookie and access token are refused within a second.
describe('ending a user’s sessions at the auth server ends them at the API', () => {
  let gatehouse: TestGatehouse;
  let browser: Browser;

  beforeAll(async () => {
    gatehouse = await startTestGatehouse(Object.values(victims));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await gatehouse?.close();
  });

  /** Signs `who` in to the SPA in Chromium; returns the API's access token and the refresh cookie it set. */
  async function stolenSession(who: TestUser): Promise<{ accessToken: string; refreshCookie: string }> {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      let accessToken = '';
      page.on('response', async (response) => {
        if (new URL(response.url()).pathname === '/api/callback' && response.ok()) {
          accessToken = ((await response.json()) as { access_token: string }).access_token;
        }
      });
      await page.goto(gatehouse.url);
      await signIn(page, gatehouse.url, who);
      await expect.poll(() => accessToken).toMatch(/^eyJ/);
      const cookie = (await context.cookies(gatehouse.url)).find((each) => each.name === '__Host-gh_refresh');
      expect(cookie).toBeDefined();
      return { accessToken, refreshCookie: `${cookie?.name}=${cookie?.value}` };
    } finally {
      // The thief keeps copies; the victim's browser is gone, so nothing but the server can end the session.
      await context.close();
    }
  }

  const me = (accessToken: string) =>
    fetch(`${gatehouse.url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  const refresh = (refreshCookie: string) =>
    fetch(`${gatehouse.url}/api/refresh`, {
      method: 'POST',
      headers: { origin: gatehouse.url, 'content-type': 'application/json', cookie: refreshCookie },
      body: '{}',
    });

  it.each([
    [
      'users passwd',
      victims.passwd,
      ['users', 'passwd', victims.passwd.username, '--password-stdin'],
      'a new passphrase that is long enough',
    ],
    ['users remove', victims.remove, ['users', 'remove', victims.remove.username], ''],
    [
      'users totp',
      victims.totp,
      ['users', 'totp', victims.totp.username, '--enable', '--totp-secret', generateTotpSecret()],
      '',
    ],
    ['users disable', victims.disable, ['users', 'disable', victims.disable.username], ''],
  ] as const)(
    '%s: the old access token and refresh cookie are refused within a second',
    async (_name, who, args, stdin) => {
      const stolen = await stolenSession(who);
      expect((await me(stolen.accessToken)).status).toBe(200);

      const result = await gatehouse.cli(args, stdin);
      expect(result, result.stderr).toMatchObject({ code: 0 });

      // The access token first: using the refresh cookie before the revocation would rotate it, and a later
      // refusal could then be reuse detection rather than the back-channel logout.
      await expect
        .poll(async () => {
          const response = await me(stolen.accessToken);
          return `${response.status} ${((await response.json()) as { error?: string }).error}`;
        })
        .toBe('401 session_revoked');
      const refused = await refresh(stolen.refreshCookie);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: string }).error).toBe('session_revoked');
    },
  );
});
