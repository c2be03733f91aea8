import { ApiError } from '../../errors/api-error.js';

/** The refusal of a callback that repeats a parameter; the name is ours to echo only when it is a known one. */
export function duplicateParameter(name: string): ApiError {
  const known = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'];
  const shown = known.includes(name) ? `"${name}"` : 'a parameter';
  return new ApiError('invalid_callback', {
    description: `The callback repeats ${shown}: duplicate parameter (RFC 6749 3.1).`,
    detail: 'duplicate parameter',
  });
}
