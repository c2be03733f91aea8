import { type PageAssets, renderErrorPage } from '@gatehouse/common';
import { type ApiErrorCode, ERROR_CODES } from '../errors/error-codes.js';

/** Where the API serves the pages' stylesheet and icon (its CSP allows `style-src 'self'`, nothing inline). */
export const LOGIN_PAGE_ASSETS: PageAssets = {
  stylesheet: '/authorization-code/assets/gatehouse.css',
  icon: '/authorization-code/assets/favicon.svg',
};

const STALE = {
  title: 'This sign-in link has expired',
  message:
    'This sign-in link was already used, has expired, or was opened in another browser, so you are not signed in. Start the sign-in again from the application.',
};
/** The callback opened with none of a sign-in response's parameters (a bookmark, a typed address). */
const NO_RESPONSE = {
  title: 'No sign-in response here',
  message:
    'This page was opened without a sign-in response, so you are not signed in. Start the sign-in from the application.',
};
const PROVIDER_DOWN = {
  title: 'The sign-in service is not answering',
  message: 'The sign-in service did not answer, so you are not signed in. Try again in a moment.',
};
const REFUSED_ANSWER = {
  title: 'Sign-in failed',
  message:
    'The sign-in service sent an answer that could not be trusted, so you are not signed in. Try again; if it keeps happening, tell the administrator of this site.',
};
const UNEXPECTED = {
  title: 'Sign-in failed',
  message: 'Something went wrong while signing you in, so you are not signed in. Try again in a moment.',
};

/** What a person is told for each error of the simple flow's routes: plain words, never library text. */
const TEXT: Partial<Record<ApiErrorCode, { readonly title: string; readonly message: string }>> = {
  invalid_callback: STALE,
  state_mismatch: STALE,
  login_transaction_not_found: STALE,
  login_transaction_expired: STALE,
  login_transaction_used: STALE,
  access_denied: {
    title: 'Sign-in cancelled',
    message: 'The sign-in was cancelled or refused, so you are not signed in.',
  },
  provider_error: REFUSED_ANSWER,
  id_token_invalid: REFUSED_ANSWER,
  userinfo_invalid: REFUSED_ANSWER,
  provider_timeout: PROVIDER_DOWN,
  provider_unavailable: PROVIDER_DOWN,
  rate_limited: {
    title: 'Too many attempts',
    message: 'Too many sign-in attempts came from your network. Wait a minute, then try again.',
  },
};

/**
 * The page a person sees when `/authorization-code/login` or `/authorization-code/callback` fails: what happened
 * in plain words, the error code, and a link back to the application (`PUBLIC_URL`). `code` is the API's own
 * error code (from its JSON answer), never request input; an unknown one gets the generic text. `bareCallback`:
 * the callback was opened with none of `code`, `state`, `error` (said as such, not as an expired link).
 */
export function loginErrorPage(
  code: string | undefined,
  publicUrl: string,
  options: { readonly bareCallback?: boolean } = {},
): string {
  const ours = code !== undefined && Object.hasOwn(ERROR_CODES, code) ? (code as ApiErrorCode) : undefined;
  // A refused callback that carried no response at all is not a stale link: say what the SPA's /callback says.
  const text = options.bareCallback === true && ours === 'state_mismatch' ? NO_RESPONSE : undefined;
  return renderErrorPage({
    ...(text ?? (ours && TEXT[ours]) ?? UNEXPECTED),
    ...(ours ? { code: ours } : {}),
    back: { href: `${publicUrl}/`, label: 'Back to the application' },
    assets: LOGIN_PAGE_ASSETS,
  });
}
