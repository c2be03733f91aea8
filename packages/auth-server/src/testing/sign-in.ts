import { createHash, randomBytes } from 'node:crypto';
import { formAction, type TestBrowser } from './browser.js';
import { REDIRECT_URI } from './test-auth-server.js';

/** PKCE pair (RFC 7636 4.1, 4.2). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorization URL for `clientId` with PKCE S256 (overridable with `extra`). */
export function authorizeUrl(
  issuer: string,
  clientId: string,
  challenge: string,
  extra: Record<string, string | undefined> = {},
): string {
  const url = new URL('/auth', issuer);
  const params: Record<string, string | undefined> = {
    client_id: clientId,
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: REDIRECT_URI,
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.href;
}

/** Opens `url` and follows redirects on the issuer; returns the interaction page URL and HTML. */
export async function openInteraction(browser: TestBrowser, url: string, issuer: string) {
  const { response, url: at } = await browser.follow(await browser.get(url), new URL(issuer).origin);
  return { response, url: at, html: await response.text() };
}

/**
 * Walks the sign-in: password, then the code when `code` is given (and asked for), then "Allow" if a consent
 * page shows. Returns the URL the browser is finally sent to (the client's redirect_uri with code, state, iss).
 */
export async function signIn(
  browser: TestBrowser,
  url: string,
  issuer: string,
  credentials: { username: string; password: string; code?: () => string },
): Promise<URL> {
  const origin = new URL(issuer).origin;
  let page = await openInteraction(browser, url, issuer);
  let next = await browser.post(formAction(page.html, page.url), {
    username: credentials.username,
    password: credentials.password,
  });
  for (let steps = 0; steps < 4; steps++) {
    const followed = await browser.follow(next, origin);
    if (new URL(followed.url).origin !== origin) return new URL(followed.url);
    page = { response: followed.response, url: followed.url, html: await followed.response.text() };
    if (page.html.includes('name="code"')) {
      if (!credentials.code) throw new Error('second factor asked for but no code given');
      next = await browser.post(formAction(page.html, page.url), { code: credentials.code() });
    } else if (page.html.includes('>Allow<')) {
      next = await browser.post(formAction(page.html, page.url), {});
    } else {
      throw new Error(`sign-in stopped on a page: ${page.html.slice(0, 600)}`);
    }
  }
  throw new Error('sign-in did not finish');
}

/** Starts an authorization request in `browser` and returns the sign-in page and its form action. */
export async function startLogin(
  browser: TestBrowser,
  issuer: string,
  extra: Record<string, string | undefined> = {},
): Promise<{ url: string; html: string; action: string; response: Response }> {
  const { challenge } = pkcePair();
  const page = await openInteraction(browser, authorizeUrl(issuer, 'first-party', challenge, extra), issuer);
  return { ...page, action: formAction(page.html, page.url) };
}
