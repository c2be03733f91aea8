import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, snap, watchConsole } from './support/browser.js';
import { startTestGatehouse, type TestGatehouse, type TestUser } from './support/gatehouse.js';

const heidi: TestUser = {
  username: 'heidi',
  password: 'a long passphrase for heidi that is not short',
  email: 'heidi@example.test',
};

// The flow inspector shows failures too: the steps up to the refusal, the named check, secrets masked.
describe('the flow inspector after a refused sign-in, in Chromium', () => {
  let gatehouse: TestGatehouse;
  let browser: Browser;
  beforeAll(async () => {
    gatehouse = await startTestGatehouse([heidi]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await gatehouse?.close();
  });

  it('shows the steps up to the failed check when the callback carries another state', async () => {
    const context = await browser.newContext();
    const problems = watchConsole(context);
    const page = await context.newPage();
    // The forced failure: the SPA's callback request reaches the API with a state of no login of this browser.
    let sent = { code: '', state: '' };
    await page.route('**/api/callback?*', (route) => {
      const url = new URL(route.request().url());
      sent = { code: url.searchParams.get('code') ?? '', state: url.searchParams.get('state') ?? '' };
      url.searchParams.set('state', 'a-state-of-no-login-here');
      return route.continue({ url: url.href });
    });
    await page.goto(gatehouse.url);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByLabel('Username').fill(heidi.username);
    await page.getByLabel('Password').fill(heidi.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await expect.poll(() => page.getByRole('heading', { name: 'Sign-in failed' }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'See which step failed in the flow inspector' }).click();
    const failure = page.getByRole('alert').filter({ hasText: 'The sign-in failed' });
    await expect.poll(() => failure.isVisible()).toBe(true);
    expect(await failure.textContent()).toContain('at step 7: Callback received; login transaction checked');
    expect(await page.locator('.inspector__check').textContent()).toBe('consume-transaction');
    // Steps 1-7, the last one refused; none after it.
    const steps = page.locator('ol.sequence__steps > li');
    await expect.poll(() => steps.count()).toBe(7);
    for (let step = 1; step <= 7; step++) {
      await expect.poll(() => page.getByText(`Step ${step}, `).count()).toBe(1);
    }
    expect(await page.locator('li.flow-step--error').count()).toBe(1);
    expect(await page.locator('li.flow-step--error').textContent()).toContain('failed: state_mismatch');
    await snap(page, 'inspector-failure', '01-refused-callback');

    const shown = (await page.locator('main').textContent()) ?? '';
    expect(sent.code).not.toBe('');
    for (const secret of [sent.code, sent.state, 'a-state-of-no-login-here', heidi.password]) {
      expect(shown).not.toContain(secret);
    }
    // The browser reports the refused XHR (400) on its console; nothing else.
    expect(problems.filter((problem) => !/status of 400/.test(problem))).toEqual([]);
    await context.close();
  });
});
