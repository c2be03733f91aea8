import type { AuthStore, PasskeyRecord } from '../store/auth-store.js';
import { registrationOptions, verifyRegistration } from '../webauthn/passkey-ceremonies.js';
import { relyingPartyFor } from '../webauthn/relying-party.js';
import type { TestBrowser } from './browser.js';
import type { SoftAuthenticator } from './soft-authenticator.js';

/**
 * Registers a passkey of `authenticator` for `username` straight in the store, through the server's own
 * registration checks (as `/account` does), for tests that start at sign-in.
 */
export async function enrolPasskey(
  store: AuthStore,
  issuer: string,
  username: string,
  authenticator: SoftAuthenticator,
  name = 'Test passkey',
): Promise<PasskeyRecord> {
  const user = await store.users.findByUsername(username);
  if (!user) throw new Error(`no user ${username}`);
  const rp = relyingPartyFor(issuer, { webauthn: { rpId: undefined, origin: undefined } });
  const options = await registrationOptions(rp, user, await store.authenticators.listPasskeys(user.id));
  const verified = await verifyRegistration(rp, authenticator.register(options) as never, options.challenge, {
    userId: user.id,
    name,
  });
  if (!verified.ok) throw new Error(`registration refused: ${verified.detail}`);
  return store.authenticators.addPasskey(verified.value, Math.floor(Date.now() / 1000));
}

/** A passkey form on a page: where it posts and the ceremony's options (`data-options`). */
export interface PasskeyFormOnPage {
  readonly action: string;
  readonly options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] } & Record<
    string,
    unknown
  >;
}

/** The first passkey form of `html` (`data-passkey`), resolved against `base`. */
export function passkeyFormOf(html: string, base: string): PasskeyFormOnPage {
  const form = /<form ([^>]*data-passkey="[a-z]+"[^>]*)>/.exec(html)?.[1];
  const action = form && /action="([^"]+)"/.exec(form)?.[1];
  const options = form && /data-options="([^"]+)"/.exec(form)?.[1];
  if (!action || !options) throw new Error('no passkey form on page');
  return { action: new URL(action, base).href, options: JSON.parse(unescapeHtml(options)) };
}

/** Posts a browser's passkey answer as the page's script does: the form's `response` field. */
export async function postPasskey(
  browser: TestBrowser,
  form: PasskeyFormOnPage,
  credential: Record<string, unknown>,
  extra: Record<string, string> = {},
): Promise<Response> {
  return browser.post(form.action, { ...extra, response: JSON.stringify(credential) });
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
