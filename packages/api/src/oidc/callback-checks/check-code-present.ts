import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

/** A success callback must carry exactly one `code`. */
export const checkCodePresent: CallbackCheck = {
  name: 'check-code-present',
  step: 7,
  async run(state) {
    if (state.params.getAll('code').length !== 1 || state.params.get('code') === '') {
      throw new ApiError('invalid_callback');
    }
  },
};
