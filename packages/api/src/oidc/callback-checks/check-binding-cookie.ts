import { sha256, timingSafeEqual } from '@gatehouse/common';
import { ApiError } from '../../errors/api-error.js';
import { transactionCookieName } from '../../http/cookie-names.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * docs/security.md 2 (RFC 9700 4.7, login CSRF / code injection): the callback must come from the browser that
 * started this login, proven by the transaction's HttpOnly cookie whose hash was stored with it.
 */
export const checkBindingCookie: CallbackCheck = {
  name: 'check-binding-cookie',
  step: 7,
  async run(state) {
    const tx = state.transaction;
    if (tx === undefined) throw new ApiError('login_transaction_not_found');
    const binding = state.cookies[transactionCookieName(tx.stateHash)];
    if (binding === undefined || !timingSafeEqual(sha256(binding), tx.bindingHash)) {
      throw new ApiError('login_transaction_not_found');
    }
  },
};
