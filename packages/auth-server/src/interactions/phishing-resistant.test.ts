import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { enrolPasskey, passkeyFormOf, postPasskey } from '../testing/passkeys.js';
import { authorizeUrl, openInteraction, pkcePair, signIn } from '../testing/sign-in.js';
import { SoftAuthenticator } from '../testing/soft-authenticator.js';
import { REDIRECT_URI, startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';
import { addUser } from '../users/user-admin.js';

const PASSWORD = 'correct horse battery staple';

// docs/security.md 46: a client that asks for a phishing-resistant sign-in (acr_values=phr) gets a passkey sign-in
// (acr phr in the ID token) or an error, never a password sign-in: not on the page, not by posting a password
// anyway, and not through a session made earlier with a password.
describe('acr_values=phr', () => {
  let auth: TestAuthServer;
  let vera: SoftAuthenticator;
  beforeAll(async () => {
    auth = await startTestAuthServer();
    await addUser(auth.store, { username: 'vera', email: 'vera@example.com', password: PASSWORD });
    vera = new SoftAuthenticator(auth.issuer);
    await enrolPasskey(auth.store, auth.issuer, 'vera', vera);
  });
  afterAll(async () => {
    await auth.close();
  });

  const strictUrl = (challenge: string, extra: Record<string, string> = {}) =>
    authorizeUrl(auth.issuer, 'first-party', challenge, { acr_values: 'phr', ...extra });

  it('is advertised in discovery', async () => {
    const discovery = (await (
      await fetch(`${auth.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery.acr_values_supported).toEqual(['phr']);
  });

  it('offers only a passkey, and refuses a password posted anyway before checking it', async () => {
    const browser = new TestBrowser();
    const page = await openInteraction(browser, strictUrl(pkcePair().challenge), auth.issuer);
    expect(page.html).toContain('<h1>Sign in with a passkey</h1>');
    expect(page.html).not.toContain('name="password"');
    const login = `${new URL(page.url).pathname}/login`;
    const posted = await browser.post(new URL(login, auth.issuer).href, {
      username: 'vera',
      password: PASSWORD,
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toMatch(/\?error=passkey_required$/);
    const again = await browser.follow(posted, new URL(auth.issuer).origin);
    expect(await again.response.text()).toContain('A password is not enough for this application');
  });

  it('signs in with a passkey: the ID token says acr phr', async () => {
    const browser = new TestBrowser();
    const { verifier, challenge } = pkcePair();
    const page = await openInteraction(browser, strictUrl(challenge), auth.issuer);
    const form = passkeyFormOf(page.html, page.url);
    const done = await browser.follow(
      await postPasskey(browser, form, vera.authenticate(form.options)),
      new URL(auth.issuer).origin,
    );
    const code = new URL(done.url).searchParams.get('code');
    const tokens = await tokenRequest(auth.issuer, codeGrant(String(code), verifier));
    expect(decodeJwt(String(tokens.json.id_token))).toMatchObject({ acr: 'phr', amr: ['hwk', 'mfa'] });
  });

  it('does not count a session made with a password: asks again (passkey only), and prompt=none gets login_required', async () => {
    const browser = new TestBrowser();
    await signIn(browser, authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge), auth.issuer, {
      username: 'bob',
      password: PASSWORD,
    });
    const silent = await browser.follow(
      await browser.get(strictUrl(pkcePair().challenge, { prompt: 'none' })),
      new URL(auth.issuer).origin,
    );
    const answer = new URL(silent.url);
    expect(`${answer.origin}${answer.pathname}`).toBe(REDIRECT_URI);
    expect(answer.searchParams.get('error'), answer.searchParams.get('error_description') ?? '').toBe(
      'login_required',
    );
    expect(answer.searchParams.has('code')).toBe(false);
    const page = await openInteraction(browser, strictUrl(pkcePair().challenge), auth.issuer);
    expect(page.html).toContain('<h1>Sign in with a passkey</h1>');
  });

  it('returns an error to the client when the person cannot use a passkey and cancels', async () => {
    const browser = new TestBrowser();
    const page = await openInteraction(browser, strictUrl(pkcePair().challenge), auth.issuer);
    const cancel = /<form method="post" action="([^"]+\/abort)">/.exec(page.html)?.[1];
    const done = await browser.follow(
      await browser.post(new URL(String(cancel), page.url).href, {}),
      new URL(auth.issuer).origin,
    );
    const answer = new URL(done.url);
    expect(answer.searchParams.get('error')).toBe('access_denied');
    expect(answer.searchParams.has('code')).toBe(false);
  });
});
