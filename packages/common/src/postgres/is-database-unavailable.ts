/** Network errors that mean the database cannot be reached, not that the statement was wrong. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs of a database that is down, going down, starting, overloaded or too slow (PostgreSQL Appendix A):
 * class 08 (connection exception), 57P01–57P03 (shut down by an administrator, crashed, cannot connect now),
 * 53300 (too many connections), 57014 (the statement timeout ran out), 40001/40P01 are NOT here: a
 * serialization failure or deadlock is the caller's to retry.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** node-postgres's own errors for a connection that broke or never opened (they carry no code). */
const CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/**
 * True when `error` says the database is unreachable or unable to answer now (down, restarting, out of
 * connections, too slow): a request that needs it gets 503 with `Retry-After` (docs/security.md 42), not 500.
 * Anything else (a constraint, a bad statement) is a bug or a conflict, and is not hidden behind a 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  if (CLIENT_MESSAGES.some((message) => error.message.includes(message))) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}
