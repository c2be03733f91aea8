import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formAction, TestBrowser } from '../testing/browser.js';
import { passkeyFormOf, postPasskey } from '../testing/passkeys.js';
import { authorizeUrl, pkcePair } from '../testing/sign-in.js';
import { SoftAuthenticator } from '../testing/soft-authenticator.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';
import { totpCode } from '../totp/totp.js';
import { addUser } from '../users/user-admin.js';

const PASSWORD = 'correct horse battery staple';

// Issue 14, docs/security.md 45: /account, where a person sees and changes how they sign in. Every change needs a
// sign-in of the last five minutes and must come from the page itself (Fetch Metadata and a form token).
describe('/account', () => {
  let auth: TestAuthServer;
  let now = Date.now();
  let origin: string;
  beforeAll(async () => {
    auth = await startTestAuthServer({ nowMs: () => now });
    origin = new URL(auth.issuer).origin;
  });
  beforeEach(() => {
    now = Date.now();
  });
  afterAll(async () => {
    await auth.close();
  });

  let users = 0;
  async function newUser(): Promise<string> {
    users += 1;
    const username = `acct${users}`;
    await addUser(auth.store, { username, email: `${username}@example.com`, password: PASSWORD });
    return username;
  }

  /**
   * Opens `path` and walks the usual sign-in pages it leads to (password, then a TOTP code or a passkey when
   * asked), until a page of /account; returns it.
   */
  async function signInAt(
    browser: TestBrowser,
    path: string,
    credentials: {
      username: string;
      password: string;
      totpSecret?: string;
      authenticator?: SoftAuthenticator;
    },
  ) {
    let response = await browser.get(new URL(path, origin).href);
    for (let steps = 0; steps < 6; steps++) {
      const followed = await browser.follow(response, origin);
      const html = await followed.response.text();
      if (new URL(followed.url).pathname.startsWith('/account'))
        return { url: followed.url, html, status: followed.response.status };
      if (html.includes('data-passkey') && credentials.authenticator) {
        const form = passkeyFormOf(html, followed.url);
        response = await postPasskey(browser, form, credentials.authenticator.authenticate(form.options));
      } else if (html.includes('name="password"')) {
        response = await browser.post(formAction(html, followed.url), {
          username: credentials.username,
          password: credentials.password,
        });
      } else if (html.includes('name="code"') && credentials.totpSecret) {
        response = await browser.post(formAction(html, followed.url), {
          code: totpCode(credentials.totpSecret, now),
        });
      } else {
        throw new Error(`sign-in stopped on ${followed.url}: ${html.slice(0, 400)}`);
      }
    }
    throw new Error('sign-in did not reach /account');
  }

  const tokenOf = (html: string) => String(/name="csrf" value="([^"]+)"/.exec(html)?.[1]);

  /** Whether `browser` still has a session at the auth server (prompt=none answers with a code only then). */
  async function signedIn(browser: TestBrowser): Promise<boolean> {
    const url = authorizeUrl(auth.issuer, 'first-party', pkcePair().challenge, { prompt: 'none' });
    const final = await browser.follow(await browser.get(url), origin);
    return new URL(final.url).searchParams.has('code');
  }

  it('is reached through the usual sign-in pages and shows every sign-in method', async () => {
    const username = await newUser();
    const browser = new TestBrowser();
    const page = await signInAt(browser, '/account', { username, password: PASSWORD });
    expect(page.status).toBe(200);
    expect(new URL(page.url).pathname).toBe('/account');
    expect(page.html).toContain(`Signed in as <strong>${username}</strong>`);
    for (const heading of ['Password', 'Authenticator app', 'Passkeys', 'Recovery codes']) {
      expect(page.html).toContain(`<h2>${heading}</h2>`);
    }
    expect(page.html).toContain('>Add a passkey</button>');
    expect(page.html).toContain('>Change password</button>');
    expect(page.html).toContain('>Create recovery codes</button>');
    expect(page.html).toContain('Set up an authenticator app');
    // The same session serves applications: signing in on /account is signing in to the auth server.
    expect(await signedIn(browser)).toBe(true);
  });

  it('changes the password (the old one, then the new one twice), ending every session', async () => {
    const username = await newUser();
    const browser = new TestBrowser();
    const other = new TestBrowser();
    await signInAt(other, '/account', { username, password: PASSWORD });
    const page = await signInAt(browser, '/account', { username, password: PASSWORD });
    const post = (fields: Record<string, string>) =>
      browser.post(`${origin}/account/password`, { csrf: tokenOf(page.html), ...fields });

    const wrong = await post({
      current: 'not the password',
      password: 'a new long password',
      again: 'a new long password',
    });
    expect(wrong.headers.get('location')).toBe('/account?error=current_password');
    const mismatch = await post({
      current: PASSWORD,
      password: 'a new long password',
      again: 'another new password',
    });
    expect(mismatch.headers.get('location')).toBe('/account?error=mismatch');
    const short = await post({ current: PASSWORD, password: 'short', again: 'short' });
    expect(short.headers.get('location')).toBe('/account?error=new_password');

    const changed = await post({
      current: PASSWORD,
      password: 'a new long password',
      again: 'a new long password',
    });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe('/account/done?what=password');
    const done = await browser.follow(changed, origin);
    expect(await done.response.text()).toContain('you are signed out everywhere');
    // Every session ended, the other browser's too (the path of `users passwd`, back-channel logouts included).
    expect(await signedIn(browser)).toBe(false);
    expect(await signedIn(other)).toBe(false);
    const again = await signInAt(new TestBrowser(), '/account', {
      username,
      password: 'a new long password',
    });
    expect(again.html).toContain(`Signed in as <strong>${username}</strong>`);
  });

  // docs/security.md 45: changing a method needs a recent sign-in.
  it('refuses a change without a recent sign-in, and takes it after signing in again', async () => {
    const username = await newUser();
    const browser = new TestBrowser();
    const page = await signInAt(browser, '/account', { username, password: PASSWORD });
    now += 5 * 60_000 + 1000;
    const late = await browser.post(`${origin}/account/recovery-codes`, { csrf: tokenOf(page.html) });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<code>reauthentication_required</code>');
    const user = await auth.store.users.findByUsername(username);
    expect((await auth.store.authenticators.summary(String(user?.id))).recoveryCodes).toBe(0);
    // The page shows the methods, and a way to sign in again instead of the forms.
    const stale = await browser.get(`${origin}/account`);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain('href="/account/sign-in?again=1">Sign in again</a>');
    expect(staleHtml).not.toContain('name="csrf"');
    // Signing in again asks for the password although the session is live (prompt=login).
    const fresh = await signInAt(browser, '/account/sign-in?again=1', { username, password: PASSWORD });
    const created = await browser.post(`${origin}/account/recovery-codes`, { csrf: tokenOf(fresh.html) });
    expect(created.status).toBe(200);
    expect((await auth.store.authenticators.summary(String(user?.id))).recoveryCodes).toBe(10);
  });

  // docs/security.md 45: posts from another site are refused.
  it('refuses a change posted from another site, or without the page’s form token', async () => {
    const username = await newUser();
    const browser = new TestBrowser();
    const page = await signInAt(browser, '/account', { username, password: PASSWORD });
    const user = await auth.store.users.findByUsername(username);
    const form = { csrf: tokenOf(page.html) };
    for (const site of ['cross-site', 'same-site']) {
      const forged = await browser.post(`${origin}/account/recovery-codes`, form, { 'sec-fetch-site': site });
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('<code>cross_site_request</code>');
    }
    // A browser that sends no Fetch Metadata: the form token is what stops a forged form.
    for (const csrf of [undefined, 'forged', tokenOf(page.html).slice(1)]) {
      const forged = await browser.post(
        `${origin}/account/recovery-codes`,
        csrf === undefined ? {} : { csrf },
      );
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('<code>stale_form</code>');
    }
    // Another session's token does not pass either.
    const other = await signInAt(new TestBrowser(), '/account', { username, password: PASSWORD });
    expect(
      (await browser.post(`${origin}/account/recovery-codes`, { csrf: tokenOf(other.html) })).status,
    ).toBe(403);
    expect((await auth.store.authenticators.summary(String(user?.id))).recoveryCodes).toBe(0);
    const genuine = await browser.post(`${origin}/account/recovery-codes`, form, {
      'sec-fetch-site': 'same-origin',
    });
    expect(genuine.status).toBe(200);
  });

  it('sets up the authenticator app with a QR code and a first code, then turns it off; both end every session', async () => {
    const username = await newUser();
    const browser = new TestBrowser();
    await signInAt(browser, '/account', { username, password: PASSWORD });
    const setup = await (await browser.get(`${origin}/account/totp`)).text();
    expect(setup).toContain('<svg');
    const secret = String(/name="secret" value="([A-Z2-7]+)"/.exec(setup)?.[1]);
    const proof = String(/name="proof" value="([^"]+)"/.exec(setup)?.[1]);
    const csrf = tokenOf(setup);
    const wrongCode = await browser.post(`${origin}/account/totp`, {
      csrf,
      secret,
      proof,
      code: '000000' === totpCode(secret, now) ? '111111' : '000000',
    });
    expect(await wrongCode.text()).toContain('Invalid code');
    // A secret the server did not make for this session is refused.
    const planted = await browser.post(`${origin}/account/totp`, {
      csrf,
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      proof,
      code: totpCode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', now),
    });
    expect(planted.status).toBe(403);
    const on = await browser.post(`${origin}/account/totp`, {
      csrf,
      secret,
      proof,
      code: totpCode(secret, now),
    });
    expect(on.headers.get('location')).toBe('/account/done?what=totp_on');
    expect(await signedIn(browser)).toBe(false);
    const user = await auth.store.users.findByUsername(username);
    expect(await auth.store.authenticators.totpSecret(String(user?.id))).toBe(secret);

    // The confirming code is spent; the next step's code signs in.
    now += 30_000;
    const page = await signInAt(browser, '/account', { username, password: PASSWORD, totpSecret: secret });
    expect(page.html).toContain('On: sign-in asks for a code');
    const off = await browser.post(`${origin}/account/totp/remove`, { csrf: tokenOf(page.html) });
    expect(off.headers.get('location')).toBe('/account/done?what=totp_off');
    expect(await auth.store.authenticators.totpSecret(String(user?.id))).toBeNull();
    expect(await signedIn(browser)).toBe(false);
  });

  it('adds a passkey, lists it with its name and times, renames it, removes it; a removed one no longer signs in', async () => {
    const username = await newUser();
    const browser = new TestBrowser();
    const authenticator = new SoftAuthenticator(auth.issuer);
    const page = await signInAt(browser, '/account', { username, password: PASSWORD });
    const form = passkeyFormOf(page.html, `${origin}/account`);
    expect(form.options).toMatchObject({
      rp: { id: 'localhost' },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const added = await postPasskey(browser, form, authenticator.register(form.options as never), {
      csrf: tokenOf(page.html),
      name: 'Work laptop',
    });
    expect(added.headers.get('location')).toBe('/account?done=passkey_added');
    // The registration challenge is spent: the same registration again is refused.
    const replayed = await postPasskey(browser, form, authenticator.register(form.options as never), {
      csrf: tokenOf(page.html),
      name: 'Again',
    });
    expect(replayed.headers.get('location')).toBe('/account?error=passkey');

    const listed = await (await browser.get(`${origin}/account?done=passkey_added`)).text();
    expect(listed).toContain('Passkey added.');
    expect(listed).toMatch(/<tr><td>Work laptop<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/td><td>Never<\/td>/);
    const id = String(/name="id" value="([^"]+)"/.exec(listed)?.[1]);
    const renamed = await browser.post(`${origin}/account/passkeys/rename`, {
      csrf: tokenOf(listed),
      id,
      name: 'Old laptop',
    });
    expect(renamed.headers.get('location')).toBe('/account?done=passkey_renamed');

    // It signs in alone, from a new browser.
    const elsewhere = new TestBrowser();
    await signInAt(elsewhere, '/account', { username: '', password: '', authenticator });
    const user = await auth.store.users.findByUsername(username);
    const [passkey] = await auth.store.authenticators.listPasskeys(String(user?.id));
    expect(passkey).toMatchObject({ name: 'Old laptop', transports: ['internal'] });
    expect(passkey?.lastUsedAt).not.toBeNull();

    const removed = await browser.post(`${origin}/account/passkeys/remove`, { csrf: tokenOf(listed), id });
    expect(removed.headers.get('location')).toBe('/account?done=passkey_removed');
    expect(await auth.store.authenticators.listPasskeys(String(user?.id))).toEqual([]);
    await expect(
      signInAt(new TestBrowser(), '/account', { username: '', password: '', authenticator }),
    ).rejects.toThrow(/sign-in (stopped|did not reach)/);
  });

  it('creates ten recovery codes, shown once with a text download; new ones void the old', async () => {
    const username = await newUser();
    const browser = new TestBrowser();
    const page = await signInAt(browser, '/account', { username, password: PASSWORD });
    const first = await (
      await browser.post(`${origin}/account/recovery-codes`, { csrf: tokenOf(page.html) })
    ).text();
    const codes = [...first.matchAll(/<li><code>([2-9A-Z-]{14})<\/code><\/li>/g)].map((match) => match[1]);
    expect(codes).toHaveLength(10);
    const download = decodeURIComponent(
      String(/href="data:text\/plain;charset=utf-8,([^"]+)"/.exec(first)?.[1]),
    );
    for (const code of codes) expect(download).toContain(String(code));
    expect(first).toContain('download="gatehouse-recovery-codes.txt"');
    const second = await (
      await browser.post(`${origin}/account/recovery-codes`, { csrf: tokenOf(page.html) })
    ).text();
    expect(second).not.toContain(String(codes[0]));
    const user = await auth.store.users.findByUsername(username);
    expect((await auth.store.authenticators.summary(String(user?.id))).recoveryCodes).toBe(10);
    expect(await (await browser.get(`${origin}/account`)).text()).toContain('10 of 10 left.');
  });
});
