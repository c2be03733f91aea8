import type { HistoryLike } from '../options.js';

/** What the auth server put in the callback URL (step 6). */
export interface CallbackParams {
  code: string | undefined;
  state: string | undefined;
  iss: string | undefined;
  error: string | undefined;
}

const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'];

/**
 * Reads the authorization response from `href` and at once removes it from the address bar with
 * `history.replaceState`, so the code never stays in history, bookmarks or a `Referer` (RFC 9700 4.2.4,
 * draft-ietf-oauth-browser-based-apps). Other query parameters and the hash are kept.
 */
export function takeCallbackParams(href: string, history: HistoryLike): CallbackParams {
  const url = new URL(href);
  const read = (name: string): string | undefined => url.searchParams.get(name) ?? undefined;
  const params: CallbackParams = {
    code: read('code'),
    state: read('state'),
    iss: read('iss'),
    error: read('error'),
  };
  let changed = false;
  for (const name of CALLBACK_PARAMS) {
    if (url.searchParams.has(name)) {
      url.searchParams.delete(name);
      changed = true;
    }
  }
  if (changed) history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return params;
}
