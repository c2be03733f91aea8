import { sha256 } from '@gatehouse/common';
import { ApiError } from '../../errors/api-error.js';
import { TRANSACTION_COOKIE_PREFIX, transactionCookieName } from '../../http/cookie-names.js';
import type { CallbackCheck } from './callback-state.js';
import { duplicateParameter } from './duplicate-parameter.js';

/**
 * docs/security.md 1–3: find the login transaction by the hash of `state` and spend it atomically, before anything
 * else, so that it is single use even when a later check fails. A missing or unknown state is refused.
 */
export const consumeTransaction: CallbackCheck = {
  name: 'consume-transaction',
  step: 7,
  async run(state) {
    // Two states name no one transaction: refused before any is looked up or spent (RFC 6749 3.1).
    if (state.params.getAll('state').length > 1) throw duplicateParameter('state');
    const value = state.params.get('state');
    const hasAnyTransactionCookie = Object.keys(state.cookies).some((name) =>
      name.startsWith(TRANSACTION_COOKIE_PREFIX),
    );
    if (value === null || value === '') {
      throw new ApiError('state_mismatch', { description: 'The callback carries no state parameter.' });
    }
    const stateHash = sha256(value);
    state.clearCookies.push(transactionCookieName(stateHash));
    const result = await state.ctx.store.consumeLoginTransaction(stateHash, state.ctx.now());
    if (result.status === 'used') throw new ApiError('login_transaction_used');
    if (result.status !== 'ok') {
      // With a transaction cookie but no transaction for this state, the state was altered or belongs to
      // another login; without any cookie, the browser never started a login here.
      throw new ApiError(hasAnyTransactionCookie ? 'state_mismatch' : 'login_transaction_not_found');
    }
    state.transaction = result.transaction;
  },
};
