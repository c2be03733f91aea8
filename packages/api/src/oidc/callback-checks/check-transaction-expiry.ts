import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

/** A login transaction lives 10 minutes (a code from a stale tab is not accepted). */
export const checkTransactionExpiry: CallbackCheck = {
  name: 'check-transaction-expiry',
  step: 7,
  async run(state) {
    if (state.transaction === undefined || state.transaction.expiresAt <= state.ctx.now()) {
      throw new ApiError('login_transaction_expired');
    }
  },
};
