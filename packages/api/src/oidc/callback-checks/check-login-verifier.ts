import { sha256, timingSafeEqual } from '@gatehouse/common';
import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

// What the SDK generates (32 random bytes, base64url), with room for other clients' longer ones (RFC 7636 4.1).
const VERIFIER = /^[A-Za-z0-9_-]{43,128}$/;

/**
 * docs/security.md 51 (login CSRF by cookie tossing): cookies are not separated by port, so a page on another
 * port of the same host, or any service sharing the host name, can plant its own login-transaction cookie and
 * send the victim to its callback. An SPA transaction is therefore also bound to the login verifier the page
 * that started it keeps in `sessionStorage` (one origin, port included, one tab): the callback must carry the
 * verifier whose SHA-256 came with `/api/login`. The simple flow has no page script to hold one: it relies on
 * its cookie alone and needs a host of its own.
 */
export const checkLoginVerifier: CallbackCheck = {
  name: 'check-login-verifier',
  step: 7,
  async run(state) {
    const tx = state.transaction;
    if (tx === undefined) throw new ApiError('login_transaction_not_found');
    if (tx.flow !== 'spa') return;
    const verifier = state.loginVerifier;
    // A transaction without a challenge (started before the upgrade that added it) cannot be proven: refused.
    const proven =
      tx.loginChallenge !== null &&
      verifier !== undefined &&
      VERIFIER.test(verifier) &&
      timingSafeEqual(sha256(verifier), tx.loginChallenge);
    if (!proven) {
      throw new ApiError('login_transaction_not_found', {
        description:
          'This login was not started by this page: the login verifier it keeps in sessionStorage is missing or does not match (a login is finished in the tab that started it).',
        detail: verifier === undefined ? 'no login verifier' : 'login verifier does not match',
      });
    }
  },
};
