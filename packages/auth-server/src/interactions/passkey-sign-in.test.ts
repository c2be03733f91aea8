import { Writable } from 'node:stream';
import { createLogger } from '@gatehouse/common';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formAction, TestBrowser } from '../testing/browser.js';
import { enrolPasskey, type PasskeyFormOnPage, passkeyFormOf, postPasskey } from '../testing/passkeys.js';
import { authorizeUrl, openInteraction, pkcePair } from '../testing/sign-in.js';
import { SoftAuthenticator } from '../testing/soft-authenticator.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
  TEST_TOTP_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';
import { totpCode } from '../totp/totp.js';
import { addUser } from '../users/user-admin.js';

const PASSWORD = 'correct horse battery staple';

// docs/security.md 43: a passkey sign-in (alone, or as the second factor after a password) is refused for a wrong
// origin or RP ID, a replayed, expired or another interaction's challenge, no user verification, an unknown,
// removed or another user's credential, and a counter that goes backwards. Each refusal shows a message on the
// page and gives no session. The authenticator is a software one (testing/soft-authenticator.ts); Chromium's
// virtual authenticator drives the same pages in e2e/passkeys.test.ts.
describe('passkey sign-in', () => {
  let auth: TestAuthServer;
  let now = Date.now();
  const lines: string[] = [];
  let pia: SoftAuthenticator;
  let quinn: SoftAuthenticator;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    auth = await startTestAuthServer({
      nowMs: () => now,
      logger: createLogger({ name: 'auth-server', level: 'info' }, sink),
    });
    await addUser(auth.store, { username: 'pia', email: 'pia@example.com', password: PASSWORD });
    await addUser(auth.store, { username: 'quinn', email: 'quinn@example.com', password: PASSWORD });
    pia = new SoftAuthenticator(auth.issuer);
    quinn = new SoftAuthenticator(auth.issuer, { backupEligible: true });
    await enrolPasskey(auth.store, auth.issuer, 'pia', pia);
    await enrolPasskey(auth.store, auth.issuer, 'quinn', quinn);
    await enrolPasskey(auth.store, auth.issuer, 'alice', new SoftAuthenticator(auth.issuer));
  });
  beforeEach(() => {
    now = Date.now();
  });
  afterAll(async () => {
    await auth.close();
  });

  /** Opens a sign-in; returns the browser, the page and its passkey form. */
  async function signInPage() {
    const browser = new TestBrowser();
    const { verifier, challenge } = pkcePair();
    const page = await openInteraction(
      browser,
      authorizeUrl(auth.issuer, 'first-party', challenge),
      auth.issuer,
    );
    return { browser, verifier, page, form: passkeyFormOf(page.html, page.url) };
  }

  /** Follows a passkey POST's answer: the callback URL when signed in, else the page it came back to. */
  async function outcome(browser: TestBrowser, response: Response) {
    expect(response.status).toBe(303);
    const followed = await browser.follow(response, new URL(auth.issuer).origin);
    const url = new URL(followed.url);
    if (`${url.origin}${url.pathname}` === REDIRECT_URI)
      return { code: url.searchParams.get('code'), html: '' };
    return { code: null, html: await followed.response.text() };
  }

  /** Whether `browser` has a session at the auth server: prompt=none gets a code only then. */
  async function signedIn(browser: TestBrowser): Promise<boolean> {
    const url = authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, { prompt: 'none' });
    const final = await browser.follow(await browser.get(url), new URL(auth.issuer).origin);
    return new URL(final.url).searchParams.has('code');
  }

  async function expectRefusedOnPage(browser: TestBrowser, response: Response) {
    const { code, html } = await outcome(browser, response);
    expect(code).toBeNull();
    expect(html).toContain('role="alert"');
    expect(html).toContain('That passkey could not be used to sign in.');
    expect(await signedIn(browser)).toBe(false);
  }

  it('signs in with a passkey alone: amr hwk and mfa, acr phr, no password asked', async () => {
    const { browser, verifier, form } = await signInPage();
    expect(form.options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(form.options.allowCredentials ?? []).toEqual([]);
    const { code } = await outcome(browser, await postPasskey(browser, form, pia.authenticate(form.options)));
    const tokens = await tokenRequest(auth.issuer, codeGrant(String(code), verifier));
    const claims = decodeJwt(String(tokens.json.id_token));
    const user = await auth.store.users.findByUsername('pia');
    expect(claims).toMatchObject({ sub: user?.id, amr: ['hwk', 'mfa'], acr: 'phr' });
    const [passkey] = await auth.store.authenticators.listPasskeys(String(user?.id));
    expect(passkey?.counter).toBe(pia.credentials[0]?.counter);
    expect(passkey?.lastUsedAt).not.toBeNull();
  });

  it('says swk for a passkey that may be synced between devices', async () => {
    const { browser, verifier, form } = await signInPage();
    const { code } = await outcome(
      browser,
      await postPasskey(browser, form, quinn.authenticate(form.options)),
    );
    const tokens = await tokenRequest(auth.issuer, codeGrant(String(code), verifier));
    expect(decodeJwt(String(tokens.json.id_token)).amr).toEqual(['swk', 'mfa']);
  });

  it('refuses an assertion made for another origin or another RP ID', async () => {
    lines.length = 0;
    const challenges: string[] = [];
    for (const overrides of [
      { origin: 'http://evil.example' },
      { origin: 'http://localhost:1' },
      { rpId: 'evil.example' },
    ]) {
      const { browser, form } = await signInPage();
      challenges.push(form.options.challenge);
      await expectRefusedOnPage(
        browser,
        await postPasskey(browser, form, pia.authenticate(form.options, overrides)),
      );
    }
    // docs/security.md 48: the log names the failed check, never the challenge or the origin the browser sent.
    expect(lines.join('')).toContain('"event":"passkey_refused"');
    for (const challenge of challenges) expect(lines.join('')).not.toContain(challenge);
    expect(lines.join('')).not.toContain('evil.example');
  });

  it('refuses a challenge used once already, even by a refused attempt', async () => {
    const { browser, form } = await signInPage();
    const first = await postPasskey(browser, form, pia.authenticate(form.options, { userVerified: false }));
    expect(first.headers.get('location')).toMatch(/\?error=passkey$/);
    // The same challenge, now signed properly, before any page could make a new one: spent.
    const again = await postPasskey(browser, form, pia.authenticate(form.options));
    await expectRefusedOnPage(browser, again);
  });

  it('refuses an expired challenge', async () => {
    const { browser, form } = await signInPage();
    now += 5 * 60_000 + 1000;
    await expectRefusedOnPage(browser, await postPasskey(browser, form, pia.authenticate(form.options)));
  });

  it('refuses the challenge of another interaction', async () => {
    // The attacker's page first: the victim's challenge is the newest one the server made.
    const attacker = await signInPage();
    const victim = await signInPage();
    // Signed over the victim's challenge, posted in the attacker's own interaction.
    const assertion = pia.authenticate(victim.form.options);
    await expectRefusedOnPage(
      attacker.browser,
      await postPasskey(attacker.browser, attacker.form, assertion),
    );
  });

  it('refuses an assertion without user verification', async () => {
    const { browser, form } = await signInPage();
    await expectRefusedOnPage(
      browser,
      await postPasskey(browser, form, pia.authenticate(form.options, { userVerified: false })),
    );
  });

  it('refuses an unknown credential, and a removed one', async () => {
    const stranger = new SoftAuthenticator(auth.issuer);
    stranger.register({ challenge: 'x', rp: { id: 'localhost' }, user: { id: 'bm9ib2R5' } });
    const first = await signInPage();
    await expectRefusedOnPage(
      first.browser,
      await postPasskey(first.browser, first.form, stranger.authenticate(first.form.options)),
    );

    await addUser(auth.store, { username: 'rosa', email: 'rosa@example.com', password: PASSWORD });
    const rosa = new SoftAuthenticator(auth.issuer);
    const passkey = await enrolPasskey(auth.store, auth.issuer, 'rosa', rosa);
    expect(await auth.store.authenticators.removePasskey(passkey.userId, passkey.id)).toBe(true);
    const second = await signInPage();
    await expectRefusedOnPage(
      second.browser,
      await postPasskey(second.browser, second.form, rosa.authenticate(second.form.options)),
    );
  });

  it('refuses a signature counter that goes backwards (a cloned authenticator), and logs it', async () => {
    const first = await signInPage();
    expect(
      (
        await outcome(
          first.browser,
          await postPasskey(first.browser, first.form, pia.authenticate(first.form.options)),
        )
      ).code,
    ).not.toBeNull();
    const stored = pia.credentials[0]?.counter ?? 0;
    // A copy of the key whose counter started over: it signs with a counter the server has seen already.
    const clone = await signInPage();
    lines.length = 0;
    await expectRefusedOnPage(
      clone.browser,
      await postPasskey(clone.browser, clone.form, pia.authenticate(clone.form.options, { counter: stored })),
    );
    expect(lines.join('')).toContain('"event":"passkey_counter_regressed"');
    // docs/security.md 48: the log names the check, never the challenge it was about.
    expect(lines.join('')).not.toContain(clone.form.options.challenge);
    // The genuine authenticator, counting on, still signs in.
    const genuine = await signInPage();
    expect(
      (
        await outcome(
          genuine.browser,
          await postPasskey(
            genuine.browser,
            genuine.form,
            pia.authenticate(genuine.form.options, { counter: stored + 1 }),
          ),
        )
      ).code,
    ).not.toBeNull();
  });

  /** quinn's password step; returns the second-factor page's passkey form. */
  async function secondFactorPage(
    username: string,
  ): Promise<{ browser: TestBrowser; html: string; url: string; form: PasskeyFormOnPage; verifier: string }> {
    const browser = new TestBrowser();
    const { verifier, challenge } = pkcePair();
    const login = await openInteraction(
      browser,
      authorizeUrl(auth.issuer, 'first-party', challenge),
      auth.issuer,
    );
    const posted = await browser.post(formAction(login.html, login.url), { username, password: PASSWORD });
    const next = await browser.follow(posted, new URL(auth.issuer).origin);
    const html = await next.response.text();
    expect(html).toContain('Two-step verification');
    return { browser, html, url: next.url, form: passkeyFormOf(html, next.url), verifier };
  }

  it('asks a user with a passkey for it after the password: amr pwd, hwk or swk, and mfa', async () => {
    const step = await secondFactorPage('quinn');
    expect(step.html).toContain('>Use a passkey</button>');
    const quinnId = (await auth.store.users.findByUsername('quinn'))?.id;
    const allowed = (await auth.store.authenticators.listPasskeys(String(quinnId))).map((each) => each.id);
    expect(step.form.options.allowCredentials?.map((each) => each.id)).toEqual(allowed);
    const { code } = await outcome(
      step.browser,
      await postPasskey(step.browser, step.form, quinn.authenticate(step.form.options)),
    );
    const tokens = await tokenRequest(auth.issuer, codeGrant(String(code), step.verifier));
    expect(decodeJwt(String(tokens.json.id_token))).toMatchObject({ amr: ['pwd', 'swk', 'mfa'], acr: 'phr' });
  });

  it('refuses another user’s passkey as this user’s second factor', async () => {
    const step = await secondFactorPage('quinn');
    // pia's own, valid passkey, signing quinn's challenge.
    const assertion = pia.authenticate(step.form.options, { credentialId: pia.credentials[0]?.id });
    const { code, html } = await outcome(step.browser, await postPasskey(step.browser, step.form, assertion));
    expect(code).toBeNull();
    expect(html).toContain('That passkey could not be used to sign in.');
    expect(await signedIn(step.browser)).toBe(false);
  });

  it('lets a user with TOTP and a passkey choose either', async () => {
    // alice has TOTP (the page shows its code form first) and a passkey, offered beside it.
    const step = await secondFactorPage('alice');
    expect(step.html).toMatch(/<label for="code">Authentication code/);
    expect(step.html).toContain('>Use a passkey</button>');
    const code = totpCode(TEST_TOTP_SECRET, now);
    const posted = await step.browser.post(formAction(step.html, step.url), { code });
    expect((await outcome(step.browser, posted)).code).not.toBeNull();
  });
});
