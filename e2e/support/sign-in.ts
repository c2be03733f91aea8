import { totpCode } from '@gatehouse/auth-server';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestUser } from './gatehouse.js';

/**
 * From the signed-out SPA: "Log in" (steps 1–3), the auth server's sign-in page (4–5), the second factor if
 * the user has one, and back to the SPA (6–10). Resolves once the SPA shows the user signed in.
 */
export async function signIn(
  page: Page,
  appUrl: string,
  user: TestUser,
  onStep?: (step: string) => Promise<void>,
): Promise<void> {
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Username').waitFor();
  await onStep?.('auth-server-sign-in');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (user.totpSecret) {
    await page.getByLabel('Authentication code').waitFor();
    await onStep?.('auth-server-second-factor');
    await page.getByLabel('Authentication code').fill(totpCode(user.totpSecret, Date.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.waitForURL(
    (url) => url.origin === new URL(appUrl).origin && !url.pathname.startsWith('/callback'),
  );
  await expect.poll(() => page.getByText(user.email).first().isVisible()).toBe(true);
}

/** True when the SPA shows its signed-out state. */
export async function isSignedOut(page: Page): Promise<boolean> {
  return page.getByRole('button', { name: 'Log in' }).isVisible();
}

/** Everything script-readable the page keeps: web storage and document.cookie. */
export async function scriptReadableState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (storage: Storage) =>
      Object.keys(storage)
        .map((key) => `${key}=${storage.getItem(key)}`)
        .join(';');
    return [dump(localStorage), dump(sessionStorage), document.cookie].join('\n');
  });
}
