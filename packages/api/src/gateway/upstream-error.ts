import { ApiError } from '../errors/api-error.js';

// undici's codes for "no answer in time": connecting, the response's headers, a pause in its body.
const TIMEOUTS: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
]);

/**
 * What a failed forward answers: `504 upstream_timeout` when the upstream did not answer within
 * UPSTREAM_TIMEOUT_MS, else `502 upstream_unavailable` (refused, reset, closed without an answer, an invalid
 * answer). The client gets the code and its generic description, never the upstream's address or error text;
 * the operator's line gets the error's code.
 */
export function upstreamError(error: unknown): ApiError {
  const codes = codesOf(error);
  const detail = codes.join(' < ') || 'unknown';
  if (codes.some((code) => TIMEOUTS.has(code))) return new ApiError('upstream_timeout', { detail });
  return new ApiError('upstream_unavailable', { detail });
}

/** The `code` of an error and of its causes, outermost first (bounded: a cause chain is short). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = current.cause;
  }
  return codes;
}
