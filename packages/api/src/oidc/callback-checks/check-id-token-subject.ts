import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

/** OIDC Core 2: `sub` "MUST NOT exceed 255 ASCII characters in length". */
const MAX_SUBJECT_LENGTH = 255;
// Printable ASCII, space included: what "ASCII characters" can reasonably mean in an identifier; no controls.
const ASCII_PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * OIDC Core 2 (`sub`): a non-empty identifier of at most 255 ASCII characters. openid-client checks that `sub` is
 * a string; a longer or non-ASCII one is refused here, before it becomes a user's key in the store and the `sub`
 * of every API token (where a huge one would push the token past the bearer size limit and lock the user out).
 */
export const checkIdTokenSubject: CallbackCheck = {
  name: 'check-id-token-subject',
  step: 9,
  inspects: 'sub is 1–255 ASCII characters',
  async run(state) {
    const sub = state.claims?.sub;
    if (typeof sub !== 'string' || sub.length > MAX_SUBJECT_LENGTH || !ASCII_PRINTABLE.test(sub)) {
      throw new ApiError('id_token_invalid', { detail: 'ID token sub is not 1-255 ASCII characters' });
    }
  },
};
