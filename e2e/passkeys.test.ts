import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, snap, watchConsole } from './support/browser.js';
import { startTestGatehouse, type TestGatehouse, type TestUser } from './support/gatehouse.js';
import { isSignedOut } from './support/sign-in.js';

const wren: TestUser = {
  username: 'wren',
  password: 'a long passphrase for wren that is not short',
  email: 'wren@example.test',
  name: 'Wren Example',
};

// Issue 14 in real Chromium, with a virtual authenticator (CDP WebAuthn domain: ctap2, internal, resident keys,
// user verification) standing in for the platform's: a passkey enrolled on /account signs in to the SPA alone and
// after the password, recovery codes stand in for it, a removed passkey and a cloned one (its counter set back)
// are refused with a message on the page. Each step continues from the one before, in one browser tab.
describe('passkeys in Chromium', () => {
  let gatehouse: TestGatehouse;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let problems: string[];
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    gatehouse = await startTestGatehouse([wren]);
    browser = await launchBrowser();
    context = await browser.newContext();
    problems = watchConsole(context);
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        // Off: the person's touch is given by confirmPasskey, when a test says so.
        automaticPresenceSimulation: false,
      },
    }));
  });
  afterAll(async () => {
    expect(problems).toEqual([]);
    await browser?.close();
    await gatehouse?.close();
  });

  /** Signs out everywhere in this browser (every cookie gone), and opens the signed-out SPA. */
  async function freshStart(): Promise<void> {
    await context.clearCookies();
    await page.goto(gatehouse.url);
    await expect.poll(() => isSignedOut(page)).toBe(true);
  }

  /**
   * The person answering the browser's passkey prompt (touch, PIN or biometric): the virtual authenticator answers
   * only while presence simulation is on, so a page that starts a request on load (passkey autofill) waits, as it
   * would for a person, until a test says the person acts. Runs `until` with it on, then turns it off again.
   */
  async function confirmPasskey(until: () => Promise<unknown>): Promise<void> {
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    try {
      await until();
    } finally {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    }
  }

  /** From the SPA: "Log in", then the auth server's sign-in page. */
  async function toSignInPage(): Promise<void> {
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByLabel('Username').waitFor();
  }

  async function signedInToSpa(): Promise<void> {
    await page.waitForURL(
      (url) => url.origin === new URL(gatehouse.url).origin && !url.pathname.startsWith('/callback'),
    );
    await expect.poll(() => page.getByText(wren.email).first().isVisible()).toBe(true);
  }

  /** /account, signing in with the password (and the passkey, once there is one) when asked. */
  async function openAccount(): Promise<void> {
    await page.goto(`${gatehouse.issuer}/account`);
    const account = page.getByRole('heading', { name: 'Your account' });
    await page.getByLabel('Username').or(account).first().waitFor();
    if (await page.getByLabel('Username').isVisible()) {
      await page.getByLabel('Username').fill(wren.username);
      await page.getByLabel('Password').fill(wren.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const secondStep = page.getByRole('heading', { name: 'Two-step verification' });
      await secondStep.or(account).first().waitFor();
      if (await secondStep.isVisible()) {
        await confirmPasskey(async () => {
          await page.getByRole('button', { name: 'Use a passkey' }).click();
          await account.waitFor();
        });
      }
    }
    await account.waitFor();
  }

  async function enrol(name: string): Promise<void> {
    await openAccount();
    await page.getByLabel('Passkey name').fill(name);
    await confirmPasskey(async () => {
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByRole('status').getByText('Passkey added.').waitFor();
    });
  }

  /**
   * Clicks "Sign in with a passkey" on the sign-in page and lets the person answer. The page's autofill request,
   * made while the person did not act, stays pending (the virtual authenticator answers a conditional request only
   * if presence was on when it was made), so what answers is the request of the click.
   */
  async function clickPasskeyButton(until: () => Promise<unknown>): Promise<void> {
    await confirmPasskey(async () => {
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await until();
    });
  }

  const refusedOnPage = () => page.getByRole('alert').getByText('That passkey could not be used to sign in.');

  it('enrols a passkey on /account, listed with its name and times', async () => {
    await enrol('Test laptop');
    await expect
      .poll(() => page.getByRole('cell', { name: 'Test laptop', exact: true }).isVisible())
      .toBe(true);
    await snap(page, 'passkeys', '01-enrolled');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
    expect(credentials[0]?.rpId).toBe('localhost');
  });

  it('signs in to the SPA with the passkey offered in the username field (autofill), the whole flow, no password', async () => {
    await freshStart();
    // The sign-in page asks for a passkey as it loads (conditional mediation); the person picks it.
    await confirmPasskey(async () => {
      await page.getByRole('button', { name: 'Log in' }).click();
      await signedInToSpa();
    });
    await snap(page, 'passkeys', '02-signed-in-by-autofill');
  });

  it('signs in to the SPA with "Sign in with a passkey"', async () => {
    await freshStart();
    await toSignInPage();
    await snap(page, 'passkeys', '03-sign-in-page');
    await clickPasskeyButton(() => signedInToSpa());
    await snap(page, 'passkeys', '04-signed-in-with-passkey');
  });

  it('creates recovery codes on /account', async () => {
    await openAccount();
    await page.getByRole('button', { name: 'Create recovery codes' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    recoveryCodes = await page.locator('ol.codes code').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await snap(page, 'passkeys', '05-recovery-codes');
  });

  it('asks for the passkey after the password, and signs in with it', async () => {
    await freshStart();
    await toSignInPage();
    await page.getByLabel('Username').fill(wren.username);
    await page.getByLabel('Password').fill(wren.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await snap(page, 'passkeys', '06-second-factor');
    await confirmPasskey(async () => {
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await signedInToSpa();
    });
  });

  it('signs in with a recovery code in place of the passkey, and says how many are left', async () => {
    await freshStart();
    await toSignInPage();
    await page.getByLabel('Username').fill(wren.username);
    await page.getByLabel('Password').fill(wren.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(String(recoveryCodes[0]));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('You have 9 recovery codes left.').waitFor();
    await snap(page, 'passkeys', '07-recovery-code-accepted');
    await page.getByRole('link', { name: 'Continue' }).click();
    await signedInToSpa();
  });

  it('refuses the passkey once it is removed on /account, with a message on the page', async () => {
    await openAccount();
    await page.getByRole('button', { name: 'Remove Test laptop' }).click();
    await page.getByRole('status').getByText('Passkey removed').waitFor();
    await freshStart();
    await toSignInPage();
    // The authenticator still holds it; the server no longer knows it.
    await clickPasskeyButton(() => refusedOnPage().waitFor());
    await snap(page, 'passkeys', '08-removed-refused');
    expect(new URL(page.url()).origin).toBe(new URL(gatehouse.issuer).origin);
  });

  it('refuses a cloned passkey: the same key with its signature counter set back', async () => {
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    await enrol('Cloned laptop');
    await freshStart();
    await toSignInPage();
    await clickPasskeyButton(() => signedInToSpa());
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    const [original] = credentials;
    expect(original?.signCount).toBeGreaterThan(0);
    if (!original) return;
    // A copy of the key made before it was used: its counter starts over.
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original.credentialId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...original, signCount: 0 } });
    await freshStart();
    await toSignInPage();
    await clickPasskeyButton(() => refusedOnPage().waitFor());
    await snap(page, 'passkeys', '09-clone-refused');
  });
});
