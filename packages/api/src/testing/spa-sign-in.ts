import { CookieJar } from './cookie-jar.js';
import { newLoginVerifier } from './login-verifier.js';
import type { ApiClient } from './test-api.js';

/**
 * A whole SPA sign-in over HTTP, as the SDK makes it (a login verifier of the tab, the transaction cookie):
 * `/api/login`, the provider's answer from `authorize(login_url)` (the callback query), then `/api/callback`.
 * Throws unless the callback answers 200.
 *
 * @example
 * const { accessToken, jar } = await spaSignIn(t, (url) => op.authorize(url));
 */
export async function spaSignIn(
  t: ApiClient,
  authorize: (loginUrl: string) => URLSearchParams | Promise<URLSearchParams>,
  jar = new CookieJar(),
): Promise<{ jar: CookieJar; accessToken: string }> {
  const page = newLoginVerifier();
  const login = await t.request('/api/login', { jar, headers: page.loginHeaders });
  const { login_url } = (await login.json()) as { login_url: string };
  const callback = await t.request(`/api/callback?${await authorize(login_url)}`, {
    jar,
    headers: page.callbackHeaders,
  });
  const body = (await callback.json()) as { access_token?: string; error?: string };
  if (callback.status !== 200 || body.access_token === undefined) {
    throw new Error(`sign-in refused: ${callback.status} ${body.error}`);
  }
  return { jar, accessToken: body.access_token };
}
