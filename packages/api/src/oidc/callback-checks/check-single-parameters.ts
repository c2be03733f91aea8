import type { CallbackCheck } from './callback-state.js';
import { duplicateParameter } from './duplicate-parameter.js';

/**
 * RFC 6749 3.1: "Request and response parameters MUST NOT be included more than once." A callback with two
 * `code`, `iss` or `error` values (or any other parameter twice) is the caller's doing: refused as a 400 here, named,
 * rather than reaching openid-client, which would refuse it as a provider failure (502, logged as an error).
 * A repeated `state` is refused before the transaction is looked up (`consume-transaction`).
 */
export const checkSingleParameters: CallbackCheck = {
  name: 'check-single-parameters',
  step: 7,
  async run(state) {
    for (const name of new Set(state.params.keys())) {
      if (state.params.getAll(name).length > 1) throw duplicateParameter(name);
    }
  },
};
