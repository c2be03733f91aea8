import { ApiError } from '../errors/api-error.js';

/**
 * Turns an openid-client / oauth4webapi failure into a named API error: a timeout is 504 `provider_timeout`,
 * problems with the ID token are `id_token_invalid`, anything else from the provider is 502 `provider_error`.
 * The raw message goes to the operator's log only (`detail`).
 */
export function mapClientError(error: unknown, fallback: 'provider_error' | 'userinfo_invalid'): ApiError {
  if (error instanceof ApiError) return error;
  const chain = causes(error);
  const codes = chain
    .map((item) => (item as { code?: unknown }).code)
    .filter((code) => typeof code === 'string');
  const names = chain.map((item) => (item as { name?: unknown }).name);
  const text = chain.map((item) => (item instanceof Error ? item.message : '')).join(' | ');
  if (codes.includes('OAUTH_TIMEOUT') || names.includes('TimeoutError') || names.includes('AbortError')) {
    return new ApiError('provider_timeout', { detail: text, cause: error });
  }
  if (fallback === 'provider_error') {
    const jwtProblem =
      codes.includes('OAUTH_JWT_CLAIM_COMPARISON_FAILED') ||
      codes.includes('OAUTH_JWT_TIMESTAMP_CHECK_FAILED') ||
      codes.includes('OAUTH_UNSUPPORTED_OPERATION') ||
      (/(jwt|id token|"nonce")/i.test(text) && !/id_token" property/i.test(text));
    if (jwtProblem) return new ApiError('id_token_invalid', { detail: text, cause: error });
  }
  return new ApiError(fallback, { detail: text, cause: error });
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 6) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}
